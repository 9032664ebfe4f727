import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type EssmHarness, job, operator, startEssmHarness } from './essm.harness.js';

let h: EssmHarness;

beforeAll(async () => {
  h = await startEssmHarness({ ROOMS_MAX_DELETE: '2' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.reset();
});

function ttRoom(code: string) {
  return h.termtime.data().rooms.find((room) => room.code === code);
}

describe('sync-rooms end to end', () => {
  it('creates rooms only Booker has, renames renamed ones, leaves never-bookable and TermTime-only rooms', async () => {
    const { quirks } = h.term;
    const run = await h.server().post('/jobs/sync-rooms').set(job).expect(200);
    expect(run.body.status).toBe('succeeded');
    expect(run.body.summary.applied.failed).toBe(0);
    for (const code of quirks.roomsOnlyInBooker) {
      expect(ttRoom(code)).toMatchObject({ toDelete: false, departmentCode: 'UNIV' });
    }
    const bookerRooms = new Map(h.booker.data().rooms.map((room) => [room.Code, room]));
    for (const code of quirks.renamedRooms) expect(ttRoom(code)?.name).toBe(bookerRooms.get(code)?.Name);
    // Rooms Booker never let anyone book: not created, and not marked where TermTime has them.
    expect(quirks.nonBookableRooms.some((code) => ttRoom(code) !== undefined)).toBe(true);
    for (const code of quirks.nonBookableRooms) {
      if (ttRoom(code) !== undefined) expect(ttRoom(code)?.toDelete).toBe(false);
    }
    for (const code of quirks.roomsOnlyInTermTime) expect(ttRoom(code)?.toDelete).toBe(false);
    const capacities = Object.fromEntries(
      h.termtime
        .data()
        .rooms.map((room) => [room.code, room.capacities.find((c) => c.typeCode === 'LEC')?.cap]),
    );
    for (const room of h.booker.data().rooms.filter((r) => r.IsBookable && r.Capacity !== null)) {
      expect(capacities[room.Code]).toBe(room.Capacity);
    }

    const again = await h.server().post('/jobs/sync-rooms').set(job).expect(200);
    expect(again.body.summary.changes).toEqual([]);
    expect(again.body.summary.applied.calls.termtime).toBe(0);
  });

  it('marks a room that disappears from Booker for deletion, never deletes it; over ROOMS_MAX_DELETE refuses', async () => {
    await h.server().post('/jobs/sync-rooms').set(job).expect(200);
    const seed = h.booker.data();
    const bookable = seed.rooms.filter((room) => room.IsBookable);
    const [gone] = bookable;
    if (gone === undefined) throw new Error('no bookable room');
    h.booker.seed({ ...seed, rooms: seed.rooms.filter((room) => room.Code !== gone.Code), bookings: [] });
    const run = await h.server().post('/jobs/sync-rooms').set(job).expect(200);
    expect(run.body.summary.changes).toEqual([
      { kind: 'mark_room', code: gone.Code, why: 'gone_from_booker' },
    ]);
    expect(ttRoom(gone.Code)?.toDelete).toBe(true);
    expect(h.termtime.control.calls.filter((call) => call.method === 'DELETE')).toEqual([]);

    const three = bookable.slice(1, 4).map((room) => room.Code);
    h.booker.seed({ ...seed, rooms: seed.rooms.filter((room) => !three.includes(room.Code)), bookings: [] });
    const refused = await h.server().post('/jobs/sync-rooms').set(job).expect(200);
    expect(refused.body.status).toBe('refused');
    expect(refused.body.error).toContain('ROOMS_MAX_DELETE (2)');
    for (const code of three) expect(ttRoom(code)?.toDelete).toBe(false);

    // An operator approves: the three rooms are marked, still never deleted.
    const approved = await h.server().post(`/runs/${refused.body.id}/approve`).set(operator).expect(200);
    expect(approved.body.status).toBe('succeeded');
    for (const code of three) expect(ttRoom(code)?.toDelete).toBe(true);
    expect(h.termtime.control.calls.filter((call) => call.method === 'DELETE')).toEqual([]);
  });

  it('marks a room that stops being bookable for deletion', async () => {
    await h.server().post('/jobs/sync-rooms').set(job).expect(200);
    const seed = h.booker.data();
    const [stops] = seed.rooms.filter((room) => room.IsBookable);
    if (stops === undefined) throw new Error('no bookable room');
    h.booker.seed({
      ...seed,
      rooms: seed.rooms.map((room) => (room.Code === stops.Code ? { ...room, IsBookable: false } : room)),
      bookings: [],
    });
    const run = await h.server().post('/jobs/sync-rooms').set(job).expect(200);
    expect(run.body.summary.changes).toEqual([{ kind: 'mark_room', code: stops.Code, why: 'not_bookable' }]);
    expect(ttRoom(stops.Code)?.toDelete).toBe(true);
  });

  it('a dry run changes nothing in TermTime', async () => {
    const before = h.termtime.data();
    const dry = await h.server().post('/jobs/sync-rooms?dry_run=1').set(job).expect(200);
    expect(dry.body.summary.changes.length).toBeGreaterThan(0);
    expect(h.termtime.data()).toEqual(before);
  });
});
