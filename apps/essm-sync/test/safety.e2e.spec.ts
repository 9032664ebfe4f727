import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { activeOurs, type EssmHarness, job, OPS_EMAIL, operator, startEssmHarness } from './essm.harness.js';

/** An activity whose events are all booked (one room, no conflicts), by the link table. */
async function bookedActivities(h: EssmHarness, count: number) {
  const links = await h.prisma.essmBookingLink.findMany();
  const linked = new Set(links.flatMap((link) => link.eventIds));
  return h.term.termtime.activities
    .filter(
      (a) =>
        a.scheduledRooms.length === 1 && a.events.length > 0 && a.events.every((e) => linked.has(e.uniqueId)),
    )
    .slice(0, count);
}

describe('sync-events safety limits and approval', () => {
  let h: EssmHarness;
  beforeAll(async () => {
    h = await startEssmHarness({ EVENTS_MAX_CHANGE_RATIO: '0.25', EVENTS_MAX_CANCEL_RATIO: '0.05' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("refuses a term's first sync over EVENTS_MAX_CHANGE_RATIO, emails operators; approval applies the intersection", async () => {
    await h.reset();
    const refused = await h.server().post('/jobs/sync-events').set(job).expect(200);
    expect(refused.body.status).toBe('refused');
    expect(refused.body.error).toMatch(/25%|ratio/i);
    expect(activeOurs(h.booker)).toHaveLength(0);
    const emails = await h.prisma.outboxEmail.findMany({ where: { subject: { contains: 'refused' } } });
    expect(emails.map((e) => [e.recipients, e.subject])).toEqual([
      [[OPS_EMAIL], expect.stringContaining('sync-events refused')],
    ]);
    const planned = refused.body.summary.plan.creates as number;

    // Since the refusal one activity left TermTime: its bookings are no longer planned.
    const gone = h.term.termtime.activities.find(
      (a) =>
        !a.virtual && a.scheduledRooms.length === 1 && a.events.length > 0 && a.scheduledRooms[0] !== 'None',
    );
    if (gone === undefined) throw new Error('no plain activity');
    h.termtime.updateActivity(gone.code, () => null);

    const preview = await h
      .server()
      .post(`/runs/${refused.body.id}/approve?dry_run=1`)
      .set(operator)
      .expect(200);
    expect(preview.body.dryRun).toBe(true);
    expect(activeOurs(h.booker)).toHaveLength(0);

    const approved = await h.server().post(`/runs/${refused.body.id}/approve`).set(operator).expect(200);
    expect(approved.body).toMatchObject({
      status: 'succeeded',
      parentId: refused.body.id,
      approvedBy: 'token:operator',
    });
    expect(approved.body.summary.approval).toMatchObject({
      refusedRunId: refused.body.id,
      approved: planned,
      noLongerPlanned: gone.events.length,
      notApproved: 0,
    });
    const { created, failed } = approved.body.summary.applied;
    expect(created + failed).toBe(planned - gone.events.length);
    expect(activeOurs(h.booker)).toHaveLength(created);
    const audit = await h.prisma.auditEvent.findFirst({
      where: { runId: approved.body.id, action: 'essm.sync_events.approved' },
    });
    expect(audit?.actor).toBe('token:operator');
  });

  it('a refused run stores its pre-flight report and emails the new conflicts, as an applied run does', async () => {
    await h.reset();
    const dry = await h.server().post('/jobs/sync-events?dry_run=1').set(job).expect(200);
    expect(dry.body.status).toBe('refused');
    await h.server().get('/conflicts').set(operator).expect(404); // a dry run stores nothing
    expect(await h.prisma.outboxEmail.count()).toBe(0);

    const refused = await h.server().post('/jobs/sync-events').set(job).expect(200);
    expect(refused.body.status).toBe('refused');
    const { termtimeOverlaps, bookerOverlaps } = refused.body.summary.conflicts;
    expect(termtimeOverlaps).toBeGreaterThan(0); // the term's deliberately shared room
    expect(bookerOverlaps).toBeGreaterThan(0); // and bookings in Booker that are not ours
    const report = await h.server().get('/conflicts').set(operator).expect(200);
    expect(report.body).toMatchObject({
      runId: refused.body.id,
      termtimeOverlaps,
      bookerOverlaps,
      newConflicts: termtimeOverlaps + bookerOverlaps,
    });
    expect(report.body.conflicts).toHaveLength(termtimeOverlaps + bookerOverlaps);
    const subjects = async () =>
      (await h.prisma.outboxEmail.findMany({ orderBy: { id: 'asc' } })).map((e) => [e.recipients, e.subject]);
    expect(await subjects()).toEqual(
      expect.arrayContaining([
        [
          [OPS_EMAIL],
          `essm-sync: ${termtimeOverlaps + bookerOverlaps} new room conflict(s) in the timetable`,
        ],
        [[OPS_EMAIL], expect.stringContaining('sync-events refused')],
      ]),
    );
    expect(await subjects()).toHaveLength(2);

    // Refused again on the same timetable: a new report, nothing new in it, no second conflicts email.
    const again = await h.server().post('/jobs/sync-events').set(job).expect(200);
    expect(again.body.status).toBe('refused');
    const latest = await h.server().get('/conflicts').set(job).expect(200);
    expect(latest.body).toMatchObject({ runId: again.body.id, newConflicts: 0 });
    const conflictEmails = (await subjects()).filter(([, subject]) => String(subject).includes('conflict'));
    expect(conflictEmails).toHaveLength(1);
    expect(activeOurs(h.booker)).toHaveLength(0);
  });

  it('refuses cancelling more than EVENTS_MAX_CANCEL_RATIO of our bookings, and cancels nothing', async () => {
    await h.reset();
    await h.server().post('/jobs/sync-events').set(job).expect(200); // refused (first run)
    const first = await h.prisma.jobRun.findFirstOrThrow({ where: { job: 'sync-events' } });
    await h.server().post(`/runs/${first.id}/approve`).set(operator).expect(200);
    const before = activeOurs(h.booker).length;
    const removed = await bookedActivities(h, 3);
    for (const activity of removed) h.termtime.updateActivity(activity.code, () => null);

    const run = await h.server().post('/jobs/sync-events').set(job).expect(200);
    expect(run.body.status).toBe('refused');
    expect(run.body.error).toContain('EVENTS_MAX_CANCEL_RATIO');
    expect(activeOurs(h.booker)).toHaveLength(before);

    // An operator approves: the cancellations go through (with the rest of the refused plan).
    const cancelled = removed.reduce((n, a) => n + a.events.length, 0);
    const approved = await h.server().post(`/runs/${run.body.id}/approve`).set(operator).expect(200);
    expect(approved.body.status).toBe('succeeded');
    expect(approved.body.summary.applied.cancelled).toBe(cancelled);
    const removedEvents = removed.flatMap((a) => a.events.map((e) => `termtime:${e.uniqueId}@`));
    const left = activeOurs(h.booker).filter((b) =>
      removedEvents.some((prefix) => String(b.ExternalReference).startsWith(prefix)),
    );
    expect(left).toEqual([]);
  });
});

describe('sync-events with EVENTS_MAX_CANCELLATIONS', () => {
  let h: EssmHarness;
  beforeAll(async () => {
    h = await startEssmHarness({ EVENTS_MAX_CANCELLATIONS: '1' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses more cancellations than the limit', async () => {
    await h.reset();
    await h.server().post('/jobs/sync-events').set(job).expect(200);
    const [activity] = await bookedActivities(h, 1);
    if (activity === undefined || activity.events.length < 2) throw new Error('no activity with 2 events');
    h.termtime.updateActivity(activity.code, () => null);
    const run = await h.server().post('/jobs/sync-events').set(job).expect(200);
    expect(run.body.status).toBe('refused');
    expect(run.body.error).toContain('EVENTS_MAX_CANCELLATIONS (1)');
  });
});

const EXPORT_TOKEN = 'essm-e2e-export-token-0123456789';

describe('one run at a time, auth and bad input', () => {
  let h: EssmHarness;
  beforeAll(async () => {
    h = await startEssmHarness({ EXPORT_TOKEN });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a second concurrent run gets 409 with the running run id', async () => {
    await h.reset();
    h.booker.control.latencyMs = 200;
    const first = h
      .server()
      .post('/jobs/sync-events?dry_run=1')
      .set(job)
      .then((r) => r);
    let running = null;
    for (let i = 0; i < 500 && running === null; i++) {
      running = await h.prisma.jobRun.findFirst({ where: { job: 'sync-events', status: 'running' } });
      if (running === null) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(running).not.toBeNull();
    const second = await h.server().post('/jobs/sync-events').set(job).expect(409);
    expect(second.body).toMatchObject({ statusCode: 409, runningRunId: running?.id });
    expect((await first).status).toBe(200);
    h.booker.control.latencyMs = 0;
  });

  it.each([
    ['post', '/jobs/sync-events'],
    ['post', '/jobs/sync-rooms'],
    ['post', '/jobs/find-conflicts'],
    ['get', '/conflicts'],
    ['get', '/runs'],
  ] as const)('%s %s without credentials is 401, with a wrong token 401', async (method, path) => {
    await h.server()[method](path).expect(401);
    await h.server()[method](path).set({ Authorization: 'Bearer not-the-token-at-all-000' }).expect(401);
  });

  it.each([
    ['post', '/jobs/sync-events'],
    ['post', '/jobs/find-conflicts'],
    ['get', '/conflicts'],
  ] as const)('%s %s with a role that may not (export) is 403', async (method, path) => {
    const server = h.server();
    await server[method](path)
      .set({ Authorization: `Bearer ${EXPORT_TOKEN}` })
      .expect(403);
  });

  it('approving needs the operator role: the job token gets 403', async () => {
    await h.server().post('/runs/00000000-0000-4000-8000-000000000000/approve').set(job).expect(403);
  });

  it.each(['?dry_run=yes', '?dry_run=1&dry_run=0', '?dryRun=1'])(
    'an unreadable dry_run (%s) is a 400 naming the parameter, and nothing runs',
    async (query) => {
      const runsBefore = await h.prisma.jobRun.count({ where: { job: 'sync-events' } });
      const callsBefore = h.termtime.control.calls.length + h.booker.control.calls.length;
      const response = await h.server().post(`/jobs/sync-events${query}`).set(job).expect(400);
      expect(JSON.stringify(response.body)).toMatch(/dry_run|dryRun/);
      expect(await h.prisma.jobRun.count({ where: { job: 'sync-events' } })).toBe(runsBefore);
      expect(h.termtime.control.calls.length + h.booker.control.calls.length).toBe(callsBefore);
    },
  );

  it('a failed pre-flight read fails the run, stores nothing and emails operators', async () => {
    await h.reset();
    h.termtime.control.addFault({ method: 'GET', path: '/v1/api/activities', status: 500, times: 10 });
    const run = await h.server().post('/jobs/find-conflicts').set(job).expect(500);
    expect(run.body.status).toBe('failed');
    expect(await h.prisma.essmConflictReport.count()).toBe(0);
    const emails = await h.prisma.outboxEmail.findMany();
    expect(emails.map((e) => e.subject)).toEqual(['essm-sync: find-conflicts failed']);
  });

  it('GET /conflicts is 404 before any pre-flight, the report after find-conflicts', async () => {
    await h.reset();
    await h.server().get('/conflicts').set(operator).expect(404);
    const dry = await h.server().post('/jobs/find-conflicts?dry_run=1').set(job).expect(200);
    expect(dry.body.summary.conflicts.length).toBeGreaterThan(0);
    await h.server().get('/conflicts').set(operator).expect(404); // a dry run stores nothing
    const run = await h.server().post('/jobs/find-conflicts').set(job).expect(200);
    expect(run.body.summary.newConflicts).toBeGreaterThan(0);
    const report = await h.server().get('/conflicts').set(job).expect(200);
    expect(report.body).toMatchObject({ runId: run.body.id, newConflicts: run.body.summary.newConflicts });
    const kinds = new Set(report.body.conflicts.map((c: { kind: string }) => c.kind));
    expect(kinds).toEqual(new Set(['termtime_overlap', 'booker_overlap']));
    // Operators are emailed once about the new ones; the same conflicts again are not news.
    const again = await h.server().post('/jobs/find-conflicts').set(job).expect(200);
    expect(again.body.summary.newConflicts).toBe(0);
    const emails = await h.prisma.outboxEmail.findMany({ where: { subject: { contains: 'conflict' } } });
    expect(emails).toHaveLength(1);
    expect(emails[0]?.textBody).toContain('overlaps');
  });
});
