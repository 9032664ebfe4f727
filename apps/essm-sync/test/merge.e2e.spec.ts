import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { activeOurs, type EssmHarness, job, startEssmHarness } from './essm.harness.js';

describe('EVENTS_MERGE_SHARED_ROOMS=true', () => {
  let h: EssmHarness;
  beforeAll(async () => {
    h = await startEssmHarness({ EVENTS_MERGE_SHARED_ROOMS: 'true' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('books two cohorts timetabled into one room at the same times once, naming both', async () => {
    const term = await h.reset();
    const shared = term.quirks.sharedRoomActivities;
    if (shared === null) throw new Error('the term has no shared room');
    const [a, b] = shared.map((code) => term.termtime.activities.find((activity) => activity.code === code));
    if (a === undefined || b === undefined) throw new Error('shared activities missing');

    const run = await h.server().post('/jobs/sync-events').set(job).expect(200);
    expect(run.body.status).toBe('succeeded');
    expect(run.body.summary.conflicts.termtimeOverlaps).toBe(0);
    const merged = activeOurs(h.booker).filter(
      (booking) =>
        booking.ExternalReference?.includes(a.events[0]?.uniqueId ?? '?') === true &&
        booking.ExternalReference.includes(b.events[0]?.uniqueId ?? '?'),
    );
    expect(merged).toHaveLength(1);
    expect(merged[0]?.Title).toContain(a.name);
    expect(merged[0]?.Title).toContain(b.name);
    expect(merged[0]?.ExpectedAttendees).toBe(a.size + b.size);
    const failures = run.body.summary.failures as { reference: string }[];
    expect(failures.filter((f) => f.reference.includes(a.events[0]?.uniqueId ?? '?'))).toEqual([]);
  });
});
