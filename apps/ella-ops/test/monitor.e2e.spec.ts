// The monitor job end to end: real supervisords, a real ELLA database (read through the restricted
// role), the ELLA API stand-in; alerts open, repeat and clear exactly once each (emails in the outbox),
// a repeated run sends nothing, a dry run changes nothing, an expired broadcast is ended.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EllaSimulator } from '../../../simulators/ella/ella.simulator.js';
import { FixedClock } from '../src/clock.js';
import { createEllaTestDatabase, type EllaTestDatabase } from './ella-database.fixture.js';
import { type EllaOpsHarness, job, operator, startEllaOps, viewer } from './ella-ops.harness.js';
import { supervisordInstalled } from './supervisord.harness.js';

const describeWith = supervisordInstalled ? describe : describe.skip;
const NOW = new Date('2026-11-26T10:00:00.000Z');
const ONCALL = 'ella-oncall@example.org';

describeWith('ella-ops monitor job', () => {
  let h: EllaOpsHarness;
  let ella: EllaTestDatabase;
  let api: EllaSimulator;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    ella = await createEllaTestDatabase(NOW);
    api = new EllaSimulator({ databaseUrl: ella.ownerUrl, instances: { prod: undefined } });
    await api.start();
    const ellaUrl = api.instanceUrl('prod');
    h = await startEllaOps({
      databaseUrl: ella.readerUrl,
      ellaUrl,
      clock,
      env: { ONCALL_EMAILS: ONCALL, ALERT_REPEAT_HOURS: '4' },
    });
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
    await ella?.drop();
  });

  const run = async (query = '') => {
    const response = await h.t.http().post(`/jobs/monitor${query}`).set(job).expect(200);
    return response.body as {
      status: string;
      summary: {
        opened: string[];
        reminded: string[];
        cleared: string[];
        broadcastsDeactivated: string[];
        problems: { key: string; message: string }[];
      };
    };
  };
  const emails = () =>
    h.t.prisma.outboxEmail.findMany({ where: { app: 'ella-ops' }, orderBy: { id: 'asc' } });

  it('is for the job token only', async () => {
    await h.t.http().post('/jobs/monitor').expect(401);
    await h.t.http().post('/jobs/monitor').set(viewer).expect(403);
  });

  it('plans in a dry run and changes nothing', async () => {
    const dry = await run('?dry_run=1');
    expect(dry.summary.opened.length).toBeGreaterThan(0);
    expect(await h.t.prisma.ellaAlert.count()).toBe(0);
    expect(await emails()).toEqual([]);
  });

  it('opens one alert per problem, each with one email to the on-duty list', async () => {
    const result = await run();
    expect(result.status).toBe('succeeded');
    expect([...result.summary.opened].sort()).toEqual(
      [
        'dr:ui-exceptions',
        'offline:api',
        'offline:backup',
        'offline:database',
        'offline:processes',
        'prod:backup',
        'prod:processes',
        'prod:ui-exceptions',
      ].sort(),
    );
    const messages = Object.fromEntries(result.summary.problems.map((p) => [p.key, p.message]));
    expect(messages['prod:processes']).toBe('not running: crasher (FATAL)');
    expect(messages['prod:ui-exceptions']).toMatch(
      /^2 UI exception\(s\) in the last 15 minutes, the newest: NetworkError/,
    );
    expect(messages['offline:processes']).toBe(
      'supervisord does not answer: supervisord of instance "offline" is unreachable: connection refused',
    );
    const sent = await emails();
    expect(sent).toHaveLength(8);
    expect(sent.every((e) => e.recipients.join() === ONCALL)).toBe(true);
    expect(sent.map((e) => e.subject)).toContain('[ella-ops] prod: processes problem');
  });

  it('sends nothing more when run again with the same problems', async () => {
    const again = await run();
    expect(again.summary).toMatchObject({ opened: [], reminded: [], cleared: [] });
    expect(await emails()).toHaveLength(8);
  });

  it('reminds after ALERT_REPEAT_HOURS, clears what has gone, once each; ends an expired broadcast', async () => {
    const posted = await h.t
      .http()
      .post('/instances/prod/broadcasts')
      .set(operator)
      .send({ message: 'Upgrade tonight', reason: 'release', endsAt: '2026-11-26T12:00:00Z' })
      .expect(201);
    clock.set('2026-11-26T14:00:00Z');
    const later = await run();
    expect([...later.summary.cleared].sort()).toEqual(['dr:ui-exceptions', 'prod:ui-exceptions']);
    expect([...later.summary.reminded].sort()).toEqual(
      [
        'offline:api',
        'offline:backup',
        'offline:database',
        'offline:processes',
        'prod:backup',
        'prod:processes',
      ].sort(),
    );
    expect(later.summary.broadcastsDeactivated).toEqual([`prod/${posted.body.id}`]);
    const active = await ella.query<{ active: boolean }>('SELECT active FROM broadcast WHERE id = $1', [
      posted.body.id,
    ]);
    expect(active.rows[0]?.active).toBe(false);
    const sent = await emails();
    expect(sent).toHaveLength(16);
    expect(sent.slice(8).map((e) => e.subject)).toContain('[ella-ops] prod: ui-exceptions cleared');
    expect(sent.slice(8).map((e) => e.subject)).toContain('[ella-ops] prod: processes problem continues');

    const same = await run();
    expect(same.summary).toMatchObject({ opened: [], reminded: [], cleared: [], broadcastsDeactivated: [] });
    expect(await emails()).toHaveLength(16);
    const open = await h.t.prisma.ellaAlert.findMany({ where: { clearedAt: null } });
    expect(open).toHaveLength(6);
  });

  it('takes an operator stop as the expected state, and a failover running alone as fine', async () => {
    await h.t
      .http()
      .post('/instances/prod/stop')
      .set(operator)
      .send({ reason: 'failover drill' })
      .expect(200);
    await h.t.http().post('/instances/dr/start').set(operator).send({ reason: 'failover drill' }).expect(200);
    const result = await run();
    expect(result.summary.cleared).toEqual(['prod:processes']);
    expect(result.summary.opened).toEqual([]);
    await h.t
      .http()
      .post('/instances/prod/processes/api/start')
      .set(operator)
      .send({ reason: 'mistake' })
      .expect(409);
    await h.t.http().post('/instances/dr/stop').set(operator).send({ reason: 'drill over' }).expect(200);
    const neither = await run();
    expect(neither.summary.opened).toEqual(['dr:failover']);
    expect(neither.summary.problems.find((p) => p.key === 'dr:failover')?.message).toBe(
      'ELLA runs on neither primary "prod" nor failover "dr"',
    );
  });

  it('ends an expired broadcast only when it has ended: an unreachable database leaves it for the next run', async () => {
    const past = new Date(clock.now().getTime() - 60_000);
    // On "offline" (its database does not answer), and one "prod" no longer has (404: ended either way).
    await h.t.prisma.ellaBroadcastEnd.createMany({
      data: [
        { instance: 'offline', broadcastId: 424242, endsAt: past, createdBy: 'test' },
        { instance: 'prod', broadcastId: 999999, endsAt: past, createdBy: 'test' },
      ],
    });
    try {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const result = await run();
        const summary = result.summary as typeof result.summary & {
          broadcastsNotEnded: { broadcast: string; error: string }[];
        };
        expect(summary.broadcastsDeactivated).toEqual(attempt === 0 ? ['prod/999999'] : []);
        expect(summary.broadcastsNotEnded).toEqual([
          { broadcast: 'offline/424242', error: expect.any(String) },
        ]);
        const offline = await h.t.prisma.ellaBroadcastEnd.findUnique({
          where: { instance_broadcastId: { instance: 'offline', broadcastId: 424242 } },
        });
        expect(offline?.deactivatedAt).toBeNull();
      }
      const gone = await h.t.prisma.ellaBroadcastEnd.findUnique({
        where: { instance_broadcastId: { instance: 'prod', broadcastId: 999999 } },
      });
      expect(gone?.deactivatedAt).not.toBeNull();
    } finally {
      await h.t.prisma.ellaBroadcastEnd.deleteMany({ where: { createdBy: 'test' } });
    }
  });

  it('leaves the API unchecked while the instance is expected stopped: its alert neither opens nor clears', async () => {
    // prod is stopped by an operator (the drill above); its API stops answering meanwhile.
    api.control.addFault({ path: '/prod/api/v1/broadcasts/', status: 503 });
    try {
      const stopped = await run();
      expect(stopped.summary.opened).not.toContain('prod:api');
      expect(stopped.summary.problems.map((p) => p.key)).not.toContain('prod:api');
      await h.t.http().post('/instances/prod/start').set(operator).send({ reason: 'drill over' }).expect(200);
      const started = await run();
      expect(started.summary.opened).toContain('prod:api');
      await h.t.http().post('/instances/prod/stop').set(operator).send({ reason: 'maintenance' }).expect(200);
    } finally {
      api.control.reset();
    }
    // The API answers again while prod is stopped: its alert stays open until prod runs again.
    const quiet = await run();
    expect(quiet.summary.cleared).not.toContain('prod:api');
    await h.t
      .http()
      .post('/instances/prod/start')
      .set(operator)
      .send({ reason: 'maintenance over' })
      .expect(200);
    const again = await run();
    expect(again.summary.cleared).toContain('prod:api');
  });
});
