import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { generateTerm } from './generate-term.js';
import { TermTimeSimulator } from './termtime.simulator.js';

const KEY = 'SimTermTimeKey000001';
const term = generateTerm({ seed: 2, activities: 20, rooms: 10 });
const api = '/v1/api';
const auth = { Authorization: `k ${KEY}` };

describe('TermTime simulator', () => {
  const simulator = new TermTimeSimulator({ apiKey: KEY, readOnlyKey: 'SimTermTimeRead00001' });
  const app = simulator.createApp();
  beforeEach(() => {
    simulator.reset();
    simulator.seed(term.termtime);
  });
  afterAll(() => simulator.close());

  describe('the key', () => {
    it('is read from `Authorization: k <key>` or from `?key=`', async () => {
      await request(app).get(`${api}/campuses`).set(auth).expect(200);
      await request(app)
        .get(`${api}/campuses?key=${KEY}`)
        .expect(200, [{ n: 'Main Campus', code: 'MAIN' }]);
    });

    it.each([
      ['no key', {}, '', 401, 108],
      ['a malformed key', { Authorization: 'k short' }, '', 400, 100],
      ['an unknown key', {}, '?key=UnknownTermTimeKey01', 400, 101],
      ['another scheme', { Authorization: `Bearer ${KEY}` }, '', 401, 108],
    ])("refuses %s with TermTime's error body", async (_what, headers, query, status, code) => {
      const answer = await request(app).get(`${api}/rooms${query}`).set(headers).expect(status);
      expect(answer.body).toEqual({ code, message: expect.any(String) });
    });

    it('refuses writes of a read-only key with 110', async () => {
      const answer = await request(app)
        .put(`${api}/room/B01-001?td=1`)
        .set({ Authorization: 'k SimTermTimeRead00001' })
        .expect(401);
      expect(answer.body.code).toBe(110);
    });
  });

  describe('reads', () => {
    it('lists every activity with its events in one answer (no pagination)', async () => {
      const answer = await request(app).get(`${api}/activities`).set(auth).expect(200);
      expect(answer.body).toHaveLength(term.stats.activities);
      const first = answer.body[0];
      expect(first).toMatchObject({
        code: term.termtime.activities[0].code,
        scheduled: 1,
        virtual: 0,
        weekPattern: '1-8',
        timeframe: 'MICH25',
        'fixedRooms.json': term.termtime.activities[0].scheduledRooms,
      });
      expect(first.events[0]).toEqual({
        ...term.termtime.activities[0].events[0],
        activityDurationMins: expect.any(Number),
      });
      expect(first.isoweeks.split(',')).toHaveLength(8);
    });

    it('filters activities by ready=Y|N and refuses another value with 109', async () => {
      const ready = await request(app).get(`${api}/activities?ready=N`).set(auth).expect(200);
      expect(ready.body).toEqual([]);
      const bad = await request(app).get(`${api}/activities?ready=yes`).set(auth).expect(400);
      expect(bad.body.code).toBe(109);
    });

    it('answers 106 for an unknown object', async () => {
      const answer = await request(app).get(`${api}/room/NOPE`).set(auth).expect(400);
      expect(answer.body).toEqual({ code: 106, message: 'no room NOPE' });
    });

    it('finds a building by name and campus, or by code with queryBy=Code', async () => {
      const byName = await request(app)
        .get(`${api}/building/Arts%20Building/Main%20Campus`)
        .set(auth)
        .expect(200);
      const byCode = await request(app).get(`${api}/building/B01?queryBy=Code`).set(auth).expect(200);
      expect(byName.body).toEqual(byCode.body);
      expect(byCode.body).toEqual({
        n: 'Arts Building',
        code: 'B01',
        cn: 'Main Campus',
        fn: ['Ground Floor', 'First Floor', 'Second Floor'],
      });
    });
  });

  describe('writes by query parameters', () => {
    it('creates a building, a floor and a room with capacities from the body', async () => {
      await request(app)
        .post(`${api}/building/New%20Hall/MAIN?code=NH`)
        .set(auth)
        .expect(200, { code: 0, message: 'Building was created' });
      await request(app).post(`${api}/floor/Basement/NH/MAIN?code=NH-B&queryBy=Code`).set(auth).expect(200);
      await request(app)
        .post(`${api}/room/NH-001?n=Hall&f=Basement&b=New%20Hall&cam=Main%20Campus&dc=UNIV`)
        .set(auth)
        .send([{ code: 'LEC', val: 99 }])
        .expect(200);
      const room = await request(app).get(`${api}/room/NH-001`).set(auth).expect(200);
      expect(room.body).toMatchObject({
        c: 'NH-001',
        n: 'Hall',
        d: { c: 'UNIV', n: 'University' },
        f: { n: 'Basement', fc: 'NH-B', b: 'New Hall', bc: 'NH', c: 'Main Campus', cc: 'MAIN' },
        rc: [{ type: 'Lecture', code: 'LEC', cap: 99 }],
        toDelete: 0,
      });
    });

    it.each([
      [
        'a missing mandatory parameter',
        '/room/X-1?n=X&f=Ground%20Floor&b=Arts%20Building&cam=Main%20Campus',
        102,
      ],
      ['an unknown building', '/room/X-1?n=X&f=Ground%20Floor&b=Nowhere&cam=Main%20Campus&dc=UNIV', 106],
      [
        'an unknown department',
        '/room/X-1?n=X&f=Ground%20Floor&b=Arts%20Building&cam=Main%20Campus&dc=NOPE',
        106,
      ],
      [
        'a room code already taken',
        '/room/B01-001?n=X&f=Ground%20Floor&b=Arts%20Building&cam=Main%20Campus&dc=UNIV',
        107,
      ],
      ['a building code already taken', '/building/Other/MAIN?code=B01', 107],
      [
        'a name too long',
        `/room/X-1?n=${'x'.repeat(46)}&f=Ground%20Floor&b=Arts%20Building&cam=Main%20Campus&dc=UNIV`,
        109,
      ],
    ])('refuses %s', async (_what, path, code) => {
      const answer = await request(app).post(`${api}${path}`).set(auth).expect(400);
      expect(answer.body.code).toBe(code);
    });

    it('marks a room for deletion with td=1 and unmarks it with td=0; td=2 is 109', async () => {
      await request(app).put(`${api}/room/B01-001?td=1`).set(auth).expect(200);
      expect((await request(app).get(`${api}/room/B01-001`).set(auth)).body.toDelete).toBe(1);
      expect(simulator.data().rooms.find((room) => room.code === 'B01-001')?.toDelete).toBe(true);
      await request(app).put(`${api}/room/B01-001?td=0`).set(auth).expect(200);
      expect((await request(app).get(`${api}/room/B01-001`).set(auth)).body.toDelete).toBe(0);
      expect((await request(app).put(`${api}/room/B01-001?td=2`).set(auth).expect(400)).body.code).toBe(109);
    });

    it('updates a room: name, floor (dn for the department), capacities of the types sent', async () => {
      await request(app)
        .put(`${api}/room/B01-001?n=Renamed&f=Second%20Floor&dn=UNIV`)
        .set(auth)
        .send([{ code: 'SEM', val: 12 }])
        .expect(200);
      const room = (await request(app).get(`${api}/room/B01-001`).set(auth)).body;
      expect(room.n).toBe('Renamed');
      expect(room.f.n).toBe('Second Floor');
      expect(room.rc).toContainEqual({ type: 'Seminar', code: 'SEM', cap: 12 });
    });

    it('updates a building and a floor found by code', async () => {
      await request(app).put(`${api}/building/B01?queryBy=Code&n=Arts%20Centre`).set(auth).expect(200);
      await request(app).put(`${api}/floor/B01-G?queryBy=Code&n=Level%200`).set(auth).expect(200);
      const floors = (await request(app).get(`${api}/floors`).set(auth)).body;
      expect(floors).toContainEqual({ n: 'Level 0', code: 'B01-G', bn: 'Arts Centre', cn: 'Main Campus' });
    });
  });

  it('serves the activities changed in-process', async () => {
    const code = term.termtime.activities[0].code;
    simulator.updateActivity(code, (activity) => ({ ...activity, events: activity.events.slice(1) }));
    const answer = await request(app).get(`${api}/activity/${code}`).set(auth).expect(200);
    expect(answer.body.events).toHaveLength(7);
    simulator.updateActivity(code, () => null);
    expect((await request(app).get(`${api}/activities`).set(auth)).body).toHaveLength(
      term.stats.activities - 1,
    );
  });
});
