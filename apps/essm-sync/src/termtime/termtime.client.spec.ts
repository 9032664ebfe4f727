import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UnexpectedResponseError } from '@app/http';
import { generateTerm } from '../../../../simulators/termtime/generate-term.js';
import { TermTimeSimulator } from '../../../../simulators/termtime/termtime.simulator.js';
import { cutTo, TermTimeClient, TermTimeError, TermTimeErrorCode } from './termtime.client.js';

const KEY = 'TestTermTimeKey00001';
const READ_ONLY_KEY = 'TestTermTimeRead0001';
const term = generateTerm({ seed: 5, activities: 40, rooms: 12 });

describe('TermTimeClient against the TermTime simulator', () => {
  const simulator = new TermTimeSimulator({ apiKey: KEY, readOnlyKey: READ_ONLY_KEY });
  let delays: number[] = [];
  const client = (apiKey = KEY) =>
    new TermTimeClient({
      baseUrl: simulator.url,
      apiKey,
      baseDelayMs: 1,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    });

  beforeAll(async () => {
    await simulator.start();
  });
  afterAll(() => simulator.close());
  beforeEach(() => {
    simulator.reset();
    simulator.seed(term.termtime);
    delays = [];
  });

  it('reads every activity with its events in one call, mapped to the app types', async () => {
    const termtime = client();
    const activities = await termtime.listActivities();
    expect(termtime.calls).toBe(1);
    expect(activities).toHaveLength(term.stats.activities);
    const seeded = term.termtime.activities[0];
    const first = activities.find((activity) => activity.code === seeded.code);
    expect(first).toEqual({
      code: seeded.code,
      name: seeded.name,
      type: expect.any(String),
      size: seeded.size,
      scheduled: true,
      virtual: false,
      scheduledRooms: seeded.scheduledRooms,
      departmentCode: 'UNIV',
      moduleCode: seeded.moduleCode,
      events: seeded.events.map((event) => ({
        uniqueId: event.uniqueId,
        date: event.date,
        startTime: event.startTime,
        endTime: event.endTime,
        durationMinutes: expect.any(Number),
        week: event.week,
      })),
    });
    expect(activities.find((activity) => activity.code === term.quirks.virtualActivity)?.virtual).toBe(true);
    expect(
      activities.find((activity) => activity.code === term.quirks.noneRoomActivity)?.scheduledRooms,
    ).toEqual(['None']);
  });

  it('reads rooms, buildings, campuses, floors and timeframes (one call each)', async () => {
    const termtime = client();
    const [rooms, buildings, campuses, floors, timeframes, ping] = await Promise.all([
      termtime.listRooms(),
      termtime.listBuildings(),
      termtime.listCampuses(),
      termtime.listFloors(),
      termtime.listTimeframes(),
      termtime.ping(),
    ]);
    expect(termtime.calls).toBe(6);
    expect(rooms).toHaveLength(term.termtime.rooms.length);
    const room = rooms.find((r) => r.code === term.termtime.rooms[0].code);
    expect(room).toMatchObject({
      departmentCode: 'UNIV',
      buildingCode: 'B01',
      campusCode: 'MAIN',
      campusName: 'Main Campus',
      toDelete: false,
      capacities: [
        { typeCode: 'LEC', typeName: 'Lecture', capacity: term.termtime.rooms[0].capacities[0].cap },
      ],
    });
    expect(buildings.map((b) => b.code)).toEqual(['B01', 'B02']);
    expect(buildings[0]).toEqual({
      code: 'B01',
      name: 'Arts Building',
      campusName: 'Main Campus',
      floorNames: ['Ground Floor', 'First Floor', 'Second Floor'],
    });
    expect(campuses).toEqual([{ code: 'MAIN', name: 'Main Campus' }]);
    expect(floors).toContainEqual({
      code: 'B02-1',
      name: 'First Floor',
      buildingName: 'Science Building',
      campusName: 'Main Campus',
    });
    expect(timeframes).toEqual([
      {
        code: 'MICH25',
        name: 'Michaelmas 2025',
        firstWeek: 1,
        lastWeek: 8,
        startDate: '2025-10-06',
        endDate: '2025-11-30',
      },
    ]);
    expect(ping).toEqual({ version: '7.7.0', database: 'simulated', user: 'api' });
  });

  it('creates and updates buildings, floors and rooms, and marks a room for deletion', async () => {
    const termtime = client();
    await termtime.createBuilding({ code: 'B99', name: 'New Building', campus: 'MAIN' });
    await termtime.createFloor({
      code: 'B99-G',
      name: 'Ground Floor',
      buildingCode: 'B99',
      campusCode: 'MAIN',
    });
    await termtime.createRoom({
      code: 'B99-001',
      name: 'New Room',
      floorName: 'Ground Floor',
      buildingName: 'New Building',
      campusName: 'Main Campus',
      departmentCode: 'UNIV',
      capacities: [{ typeCode: 'LEC', capacity: 42 }],
    });
    await termtime.updateBuilding('B99', { name: 'Renamed Building' });
    await termtime.updateFloor('B99-G', { name: 'Level 0' });
    await termtime.updateRoom('B99-001', {
      name: 'Renamed Room',
      capacities: [{ typeCode: 'LEC', capacity: 50 }],
    });
    const [room] = (await termtime.listRooms()).filter((r) => r.code === 'B99-001');
    expect(room).toMatchObject({
      name: 'Renamed Room',
      floorName: 'Level 0',
      buildingName: 'Renamed Building',
      capacities: [{ typeCode: 'LEC', typeName: 'Lecture', capacity: 50 }],
      toDelete: false,
    });
    await termtime.markRoomForDeletion('B99-001');
    expect((await termtime.listRooms()).find((r) => r.code === 'B99-001')?.toDelete).toBe(true);
    await termtime.updateRoom('B99-001', { toDelete: false });
    expect((await termtime.listRooms()).find((r) => r.code === 'B99-001')?.toDelete).toBe(false);
    expect(termtime.calls).toBe(11);
  });

  it('creates a room whose name is over the 45 characters of a create: sent cut, then set whole', async () => {
    const termtime = client();
    // 51 UTF-16 units, a surrogate pair at the 45th and 46th: the create's name is cut before it.
    const name = 'Sir William Hardy Building Lecture Theatre 1\u{1F3DB} Hall';
    await termtime.createRoom({
      code: 'B01-LONG',
      name,
      floorName: 'Ground Floor',
      buildingName: 'Science Building',
      campusName: 'Main Campus',
      departmentCode: 'UNIV',
      capacities: [],
    });
    expect((await termtime.listRooms()).find((room) => room.code === 'B01-LONG')?.name).toBe(name);
    expect(termtime.calls).toBe(3); // the create, the update and the list
    expect(cutTo('ab\u{1F3DB}', 3)).toBe('ab'); // never half a pair
    expect(cutTo('abc', 3)).toBe('abc');
  });

  it("maps TermTime's error body to a TermTimeError with its code", async () => {
    const failure = await client()
      .createRoom({
        code: 'X-1',
        name: 'Nowhere',
        floorName: 'Ground Floor',
        buildingName: 'No Such Building',
        campusName: 'Main Campus',
        departmentCode: 'UNIV',
        capacities: [],
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TermTimeError);
    const error = failure as TermTimeError;
    expect(error.code).toBe(TermTimeErrorCode.NoObjectFound);
    expect(error.isNotFound).toBe(true);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(
      /^TermTime: creating room X-1 failed: HTTP 400, code 106 \(no object found\): no building called No Such Building/,
    );
  });

  it.each([
    ['an unknown key', 'UnknownTermTimeKey01', TermTimeErrorCode.UnrecognisedApiKey, 400],
    ['a malformed key', 'short', TermTimeErrorCode.BadApiKey, 400],
  ])('refuses %s with an auth failure that never shows the key', async (_what, key, code, status) => {
    const failure = (await client(key)
      .listActivities()
      .catch((error: unknown) => error)) as TermTimeError;
    expect(failure).toBeInstanceOf(TermTimeError);
    expect(failure.code).toBe(code);
    expect(failure.status).toBe(status);
    expect(failure.isAuthFailure).toBe(true);
    expect(inspect(failure)).not.toContain(key);
  });

  it("reports a write refused to the key's user (110, 401)", async () => {
    const termtime = client(READ_ONLY_KEY);
    await expect(termtime.listRooms()).resolves.toHaveLength(term.termtime.rooms.length);
    const failure = (await termtime
      .markRoomForDeletion('B01-001')
      .catch((error: unknown) => error)) as TermTimeError;
    expect(failure.code).toBe(TermTimeErrorCode.Unauthorized);
    expect(failure.status).toBe(401);
    expect(failure.isAuthFailure).toBe(true);
    expect(simulator.data().rooms.find((room) => room.code === 'B01-001')?.toDelete).toBe(false);
  });

  it('retries a read after 5xx and honours Retry-After on 429', async () => {
    simulator.control.addFault({ path: '/v1/api/activities', status: 503, times: 1 });
    simulator.control.addFault({ path: '/v1/api/activities', status: 429, times: 1, retryAfterSeconds: 3 });
    const termtime = client();
    await expect(termtime.listActivities()).resolves.toHaveLength(term.stats.activities);
    expect(termtime.calls).toBe(3);
    expect(delays[1]).toBe(3000);
  });

  it('retries an update after a 5xx, but never a create (it may have been made)', async () => {
    const termtime = client();
    simulator.control.addFault({
      method: 'PUT',
      path: '/v1/api/room/B01-001',
      status: 500,
      times: 1,
      body: { code: 105, message: 'oops' },
    });
    await termtime.markRoomForDeletion('B01-001');
    expect(termtime.calls).toBe(2);
    simulator.control.addFault({
      method: 'POST',
      path: '/v1/api/building',
      status: 500,
      times: 1,
      body: { code: 105, message: 'oops' },
    });
    const failure = (await termtime
      .createBuilding({ code: 'B98', name: 'Other', campus: 'MAIN' })
      .catch((error: unknown) => error)) as TermTimeError;
    expect(failure.status).toBe(500);
    expect(failure.code).toBe(TermTimeErrorCode.InternalError);
    expect(termtime.calls).toBe(3);
  });

  it('names the field of a malformed answer', async () => {
    const activity = {
      code: 'A1',
      name: 'A',
      type: 'Lecture',
      scheduled: 1,
      virtual: 0,
      scheduledRooms: ['R1'],
    };
    simulator.control.addFault({
      path: '/v1/api/activities',
      status: 200,
      times: 1,
      body: [
        activity,
        {
          ...activity,
          events: [
            {
              uniqueId: 'A1-1',
              date: '2025-10-06',
              startTime: '9am',
              endTime: '10:00',
              activityDurationMins: 60,
              week: 1,
            },
          ],
        },
      ],
    });
    const failure = await client()
      .listActivities()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnexpectedResponseError);
    expect((failure as UnexpectedResponseError).field).toBe('[1].events[0].startTime');
    expect((failure as Error).message).toBe(
      'TermTime: unexpected activities list: [1].events[0].startTime: must be an HH:MM time',
    );
  });

  it('refuses an activities answer that is not a list, naming the top level', async () => {
    simulator.control.addFault({
      path: '/v1/api/activities',
      status: 200,
      times: 1,
      body: { activities: [] },
    });
    const failure = await client()
      .listActivities()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnexpectedResponseError);
    expect((failure as UnexpectedResponseError).field).toBe('(top level)');
    expect((failure as Error).message).toMatch(/^TermTime: unexpected activities list: \(top level\): /);
  });

  it('fails a read whose connection is refused, saying so', async () => {
    const closed = new TermTimeSimulator({ apiKey: KEY });
    await closed.start();
    const url = closed.url;
    await closed.close();
    const failure = await new TermTimeClient({ baseUrl: url, apiKey: KEY, maxAttempts: 1 })
      .listRooms()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TermTimeError);
    expect((failure as Error).message).toBe(
      'TermTime: reading the rooms list failed: no answer (ECONNREFUSED)',
    );
  });
});
