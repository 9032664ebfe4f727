// Processes end to end: the real AppModule, two real supervisords (a primary running ELLA's stand-ins,
// its failover stopped), an instance whose supervisord is down; who may read and act, bad input, every
// fault mapping, the failover rule both ways, the audit trail.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type EllaOpsHarness, job, operator, startEllaOps, viewer } from './ella-ops.harness.js';
import { FAILING, PROGRAMS, supervisordInstalled } from './supervisord.harness.js';

const describeWith = supervisordInstalled ? describe : describe.skip;

describeWith('ella-ops processes', () => {
  let h: EllaOpsHarness;
  const reason = { reason: 'e2e: checking the processes API' };

  beforeAll(async () => {
    h = await startEllaOps();
  });
  afterAll(() => h?.close());

  const audits = (entityId: string) =>
    h.t.prisma.auditEvent.findMany({ where: { app: 'ella-ops', entityId }, orderBy: { id: 'asc' } });

  describe('who may call what', () => {
    it('answers 401 without a token, on reads and actions', async () => {
      await h.t.http().get('/instances').expect(401);
      await h.t.http().get('/instances/prod/processes').expect(401);
      await h.t.http().get('/instances/prod/processes/api/log').expect(401);
      await h.t.http().post('/instances/prod/processes/api/stop').send(reason).expect(401);
      await h.t.http().post('/instances/prod/stop').send(reason).expect(401);
    });

    it('lets viewers read but not act (403), and keeps the job token out', async () => {
      await h.t.http().get('/instances/prod/processes').set(viewer).expect(200);
      for (const path of [
        '/instances/prod/processes/api/stop',
        '/instances/prod/processes/api/restart',
        '/instances/prod/stop',
        '/instances/dr/start',
      ]) {
        const refused = await h.t.http().post(path).set(viewer).send(reason).expect(403);
        expect(refused.body.message).toMatch(/^caller token:viewer is not allowed/);
      }
      await h.t.http().get('/instances').set(job).expect(403);
      await h.t.http().post('/instances/prod/processes/api/stop').set(job).send(reason).expect(403);
      expect(await audits('prod/api')).toEqual([]);
    });
  });

  describe('instances', () => {
    it('lists them without credentials or database URLs', async () => {
      const response = await h.t.http().get('/instances').set(viewer).expect(200);
      expect(response.body.map((i: { name: string }) => i.name)).toEqual(['prod', 'dr', 'offline']);
      expect(response.body[1]).toEqual({
        name: 'dr',
        role: 'failover',
        primary: 'prod',
        ellaUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
        backupUrl: 'file:///tmp/ella-backups',
      });
      expect(response.text).not.toContain(h.prod.password);
      expect(response.text).not.toContain('postgresql://');
    });

    it('answers 404 for an unknown instance and 400 for a name that cannot be one', async () => {
      const unknown = await h.t.http().get('/instances/nope/processes').set(viewer).expect(404);
      expect(unknown.body.message).toBe('no ELLA instance is named "nope"');
      await h.t.http().post('/instances/nope/stop').set(operator).send(reason).expect(404);
      const bad = await h.t.http().get('/instances/Not%20A%20Name/processes').set(viewer).expect(400);
      expect(bad.body.problems).toEqual([{ field: 'name', message: expect.stringContaining('lowercase') }]);
      const badProgram = await h.t
        .http()
        .post('/instances/prod/processes/a%20b/start')
        .set(operator)
        .send(reason)
        .expect(400);
      expect(badProgram.body.problems[0].field).toBe('program');
    });
  });

  describe('reading', () => {
    it("shows supervisord's state and each program's", async () => {
      const response = await h.t.http().get('/instances/prod/processes').set(viewer).expect(200);
      expect(response.body.instance).toBe('prod');
      expect(response.body.supervisor).toEqual({ state: 'RUNNING' });
      const byName = Object.fromEntries(response.body.programs.map((p: { name: string }) => [p.name, p]));
      expect(Object.keys(byName).sort()).toEqual([...PROGRAMS, FAILING].sort());
      expect(byName.api).toMatchObject({
        state: 'RUNNING',
        pid: expect.any(Number),
        uptimeSeconds: expect.any(Number),
      });
      expect(byName.api.description).toMatch(/^pid \d+, uptime/);
      expect(byName[FAILING]).toMatchObject({ state: 'FATAL', pid: null, uptimeSeconds: null });
    });

    it('answers 502 naming the instance when its supervisord is down, and keeps serving', async () => {
      const down = await h.t.http().get('/instances/offline/processes').set(viewer).expect(502);
      expect(down.body.message).toBe('supervisord of instance "offline" is unreachable: connection refused');
      await h.t.http().post('/instances/offline/processes/api/stop').set(operator).send(reason).expect(502);
      await h.t.http().get('/instances/prod/processes').set(viewer).expect(200);
    });

    it("tails a program's log, with bad sizes refused", async () => {
      const log = await h.t.http().get('/instances/prod/processes/api/log?bytes=200').set(viewer).expect(200);
      expect(log.body).toEqual({
        program: 'api',
        text: expect.stringContaining('api is up'),
        overflow: false,
      });
      const bad = await h.t.http().get('/instances/prod/processes/api/log?bytes=0').set(viewer).expect(400);
      expect(bad.body.problems).toEqual([{ field: 'bytes', message: 'must be at least 1' }]);
      await h.t.http().get('/instances/prod/processes/api/log?lines=2').set(viewer).expect(400);
      const missing = await h.t.http().get('/instances/prod/processes/nope/log').set(viewer).expect(404);
      expect(missing.body.fault).toEqual({ code: 10, name: 'BAD_NAME' });
    });
  });

  describe('acting', () => {
    it('refuses a body without a good reason, naming the field, and changes nothing', async () => {
      const cases: [unknown, string][] = [
        [{}, 'reason'],
        [{ reason: 'no' }, 'reason'],
        [{ reason: 'tab\there' }, 'reason'],
        [{ reason: 'x'.repeat(501) }, 'reason'],
        [{ reason: 'fine reason', extra: 1 }, '(body)'],
        [{ reason: 'fine reason', partnerDown: 'yes' }, 'partnerDown'],
      ];
      for (const [body, field] of cases) {
        const response = await h.t
          .http()
          .post('/instances/prod/processes/api/stop')
          .set(operator)
          .send(body as object)
          .expect(400);
        expect(response.body.problems.map((p: { field: string }) => p.field)).toContain(field);
      }
      const after = await h.t.http().get('/instances/prod/processes').set(viewer).expect(200);
      expect(after.body.programs.find((p: { name: string }) => p.name === 'api').state).toBe('RUNNING');
      expect(await audits('prod/api')).toEqual([]);
    });

    it('stops and starts a program, answering 409 when it already is so, auditing each with its reason', async () => {
      const stopped = await h.t
        .http()
        .post('/instances/prod/processes/polling/stop')
        .set(operator)
        .send(reason)
        .expect(200);
      expect(stopped.body).toMatchObject({
        instance: 'prod',
        program: 'polling',
        action: 'stop',
        state: 'STOPPED',
      });
      const again = await h.t
        .http()
        .post('/instances/prod/processes/polling/stop')
        .set(operator)
        .send(reason)
        .expect(409);
      expect(again.body.fault).toEqual({ code: 70, name: 'NOT_RUNNING' });
      expect(again.body.message).toContain('instance "prod"');
      const started = await h.t
        .http()
        .post('/instances/prod/processes/polling/start')
        .set(operator)
        .send(reason)
        .expect(200);
      expect(started.body.state).toBe('RUNNING');
      const already = await h.t
        .http()
        .post('/instances/prod/processes/polling/start')
        .set(operator)
        .send(reason)
        .expect(409);
      expect(already.body.fault).toEqual({ code: 60, name: 'ALREADY_STARTED' });
      const trail = await audits('prod/polling');
      expect(trail.map((a) => [a.action, a.actor, a.reason])).toEqual([
        ['program.stop', 'token:operator', reason.reason],
        ['program.stop', 'token:operator', reason.reason],
        ['program.start', 'token:operator', reason.reason],
        ['program.start', 'token:operator', reason.reason],
      ]);
      expect(trail[0]).toMatchObject({ before: { state: 'RUNNING' }, after: { state: 'STOPPED' } });
      expect(trail[1].after).toMatchObject({ outcome: 'failed' });
    });

    it('restarts a program (a new pid) and answers 404 for one supervisord does not know', async () => {
      const before = await h.t.http().get('/instances/prod/processes').set(viewer).expect(200);
      const pid = before.body.programs.find((p: { name: string }) => p.name === 'api').pid;
      const restarted = await h.t
        .http()
        .post('/instances/prod/processes/api/restart')
        .set(operator)
        .send(reason)
        .expect(200);
      expect(restarted.body.state).toBe('RUNNING');
      const after = await h.t.http().get('/instances/prod/processes').set(viewer).expect(200);
      expect(after.body.programs.find((p: { name: string }) => p.name === 'api').pid).not.toBe(pid);
      const unknown = await h.t
        .http()
        .post('/instances/prod/processes/nope/start')
        .set(operator)
        .send(reason)
        .expect(404);
      expect(unknown.body).toMatchObject({
        fault: { code: 10, name: 'BAD_NAME' },
        message: expect.stringContaining('BAD_NAME: nope'),
      });
    });
  });

  describe('the failover rule', () => {
    it('refuses ELLA on the failover while the primary runs, saying which programs run where', async () => {
      const refused = await h.t.http().post('/instances/dr/start').set(operator).send(reason).expect(409);
      expect(refused.body.message).toBe(
        'ELLA cannot start on failover "dr" while programs run on primary "prod": ' +
          'analysis-watcher (RUNNING), api (RUNNING), nginx (RUNNING), polling (RUNNING)',
      );
      await h.t.http().post('/instances/dr/processes/api/start').set(operator).send(reason).expect(409);
      const states = await h.dr.client.getAllProcessInfo();
      expect(states.filter((p) => p.statename === 'RUNNING')).toEqual([]);
      const trail = await audits('dr');
      expect(trail.map((a) => [a.action, a.reason, (a.after as { outcome: string }).outcome])).toEqual([
        ['instance.start', reason.reason, 'refused'],
      ]);
    });

    it('lets the failover start once the primary is stopped, and then refuses the primary', async () => {
      const stopped = await h.t
        .http()
        .post('/instances/prod/stop')
        .set(operator)
        .send({ reason: 'failover drill' })
        .expect(200);
      expect(stopped.body.results.map((r: { name: string }) => r.name).sort()).toEqual([...PROGRAMS].sort());
      expect(stopped.body.programs.filter((p: { state: string }) => p.state === 'RUNNING')).toEqual([]);
      const started = await h.t
        .http()
        .post('/instances/dr/start')
        .set(operator)
        .send({ reason: 'failover drill' })
        .expect(200);
      expect(
        started.body.programs
          .filter((p: { state: string }) => p.state === 'RUNNING')
          .map((p: { name: string }) => p.name)
          .sort(),
      ).toEqual([...PROGRAMS].sort());

      const refused = await h.t.http().post('/instances/prod/start').set(operator).send(reason).expect(409);
      expect(refused.body.message).toBe(
        'ELLA cannot start on primary "prod" while programs run on failover "dr": ' +
          'analysis-watcher (RUNNING), api (RUNNING), nginx (RUNNING), polling (RUNNING)',
      );
      await h.t.http().post('/instances/prod/processes/api/restart').set(operator).send(reason).expect(409);

      await h.t
        .http()
        .post('/instances/dr/stop')
        .set(operator)
        .send({ reason: 'back to the primary' })
        .expect(200);
      await h.t
        .http()
        .post('/instances/prod/start')
        .set(operator)
        .send({ reason: 'back to the primary' })
        .expect(200);
      const trail = await audits('prod');
      expect(trail.map((a) => [a.action, a.reason])).toEqual([
        ['instance.stop', 'failover drill'],
        ['instance.start', reason.reason],
        ['instance.start', 'back to the primary'],
      ]);
      expect(trail[0].before).toMatchObject({ states: { api: 'RUNNING' } });
      expect(trail[0].after).toMatchObject({ states: { api: 'STOPPED' } });
    });

    it('lets only one of two starts at once, on the primary and on its failover, through', async () => {
      await h.t.http().post('/instances/prod/stop').set(operator).send({ reason: 'race drill' }).expect(200);
      // Both sides stopped, two operators start ELLA on each at the same moment: one check and start
      // runs after the other, so the second sees the first's programs and is refused.
      const [onPrimary, onFailover] = await Promise.all([
        h.t.http().post('/instances/prod/start').set(operator).send({ reason: 'race drill' }),
        h.t.http().post('/instances/dr/start').set(operator).send({ reason: 'race drill' }),
      ]);
      expect([onPrimary.status, onFailover.status].sort()).toEqual([200, 409]);
      const running = async (side: typeof h.prod) =>
        (await side.client.getAllProcessInfo()).filter((p) => p.statename === 'RUNNING').length;
      const [primaryRunning, failoverRunning] = await Promise.all([running(h.prod), running(h.dr)]);
      expect(primaryRunning === 0 || failoverRunning === 0).toBe(true);
      expect(primaryRunning + failoverRunning).toBe(PROGRAMS.length);
      // Leave the primary running, as the other specs expect.
      if (failoverRunning > 0) {
        await h.t.http().post('/instances/dr/stop').set(operator).send({ reason: 'race drill' }).expect(200);
        await h.t
          .http()
          .post('/instances/prod/start')
          .set(operator)
          .send({ reason: 'race drill' })
          .expect(200);
      }
    });
  });
});
