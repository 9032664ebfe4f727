// The release runbook end to end: real supervisords (stop and start ELLA's stand-ins), a real ELLA
// database (broadcasts written as ella-cli does, alembic_version read), real pg_dump / pg_restore through
// the backup task on the local task queue, the users' email sent by the outbox to a real SMTP server.
// Order, a step claimed once when two calls race, failure and retry, skip with a reason, resume on a
// second app instance, step 5's head check, step 6's refusal, the audit, who may act, bad input, and
// the monitor's view of a primary stopped by a release.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startTestSmtpServer, type TestSmtpServer } from '@app/testing';
import { ELLA_ALEMBIC_HEAD } from '../../../simulators/ella/ella-schema.js';
import { createEllaTestDatabase, type EllaTestDatabase } from './ella-database.fixture.js';
import {
  type EllaOpsHarness,
  job,
  operator,
  startAnotherApp,
  startEllaOps,
  viewer,
} from './ella-ops.harness.js';
import { FAILING, PROGRAMS, supervisordInstalled, waitFor } from './supervisord.harness.js';

const describeWith = supervisordInstalled ? describe : describe.skip;
const NEW_HEAD = 'c0ffee0a1b2c';
const USERS = 'ella-users@example.org';

interface StepView {
  number: number;
  status: string;
  action: string | null;
  actor: string | null;
  reason: string | null;
  output: Record<string, unknown> | null;
  error: string | null;
  backupId: string | null;
  attempts: number;
}
interface ReleaseView {
  id: string;
  instance: string;
  status: string;
  nextStep: number | null;
  steps: StepView[];
}

describeWith('ella-ops releases', () => {
  let h: EllaOpsHarness;
  let ella: EllaTestDatabase;
  let mail: TestSmtpServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ella-ops-releases-'));
    mail = await startTestSmtpServer();
    ella = await createEllaTestDatabase(new Date());
    h = await startEllaOps({
      databaseUrl: ella.ownerUrl,
      backupUrl: pathToFileURL(dir).href,
      env: { RELEASE_NOTIFY_EMAILS: USERS, SMTP_URL: mail.url },
    });
  });
  afterAll(async () => {
    await h?.close();
    await ella?.drop();
    await mail?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const step = (release: ReleaseView, number: number): StepView => {
    const found = release.steps.find((s) => s.number === number);
    if (found === undefined) throw new Error(`no step ${number}`);
    return found;
  };
  const act = (id: string, number: number, action: string, body: object = {}, expected = 200) =>
    h.t.http().post(`/releases/${id}/steps/${number}/${action}`).set(operator).send(body).expect(expected);
  const broadcast = async (id: unknown) =>
    (
      await ella.query<{ message: string; active: boolean }>(
        'SELECT message, active FROM broadcast WHERE id = $1',
        [id],
      )
    ).rows[0];
  const monitorProblems = async () => {
    const run = await h.t.http().post('/jobs/monitor').set(job).expect(200);
    const summary = run.body.summary as { opened: string[]; problems: { key: string; message: string }[] };
    return {
      opened: summary.opened,
      byKey: Object.fromEntries(summary.problems.map((p) => [p.key, p.message])),
    };
  };

  it('lets operators act, viewers read, nobody else; checks input and names the field', async () => {
    const body = { version: '1.18.0' };
    await h.t.http().post('/instances/prod/releases').send(body).expect(401);
    await h.t.http().post('/instances/prod/releases').set(viewer).send(body).expect(403);
    await h.t.http().post('/instances/prod/releases').set(job).send(body).expect(403);
    await h.t.http().get('/instances/prod/releases').expect(401);
    await h.t.http().get('/releases/1').expect(401);
    await h.t.http().get('/releases/1').set(job).expect(403);
    await h.t.http().post('/releases/1/steps/1/run').send({}).expect(401);
    await h.t.http().post('/releases/1/steps/1/run').set(viewer).send({}).expect(403);
    await h.t.http().post('/releases/1/abort').set(viewer).send({ reason: 'no' }).expect(403);

    const missing = await h.t.http().post('/instances/prod/releases').set(operator).send({}).expect(400);
    expect(missing.body.problems).toEqual([{ field: 'version', message: expect.any(String) }]);
    const head = await h.t
      .http()
      .post('/instances/prod/releases')
      .set(operator)
      .send({ version: '1.18.0', expectedAlembicHead: 'not a head!' })
      .expect(400);
    expect(head.body.problems.map((p: { field: string }) => p.field)).toEqual(['expectedAlembicHead']);
    const line = await h.t
      .http()
      .post('/instances/prod/releases')
      .set(operator)
      .send({ version: '1.18.0', downtimeMessage: 'two\nlines' })
      .expect(400);
    expect(line.body.problems.map((p: { field: string }) => p.field)).toEqual(['downtimeMessage']);
    await h.t.http().post('/instances/nope/releases').set(operator).send(body).expect(404);
    await h.t.http().get('/instances/nope/releases').set(viewer).expect(404);
    await h.t.http().get('/releases/999999').set(viewer).expect(404);
    const badId = await h.t.http().get('/releases/abc').set(viewer).expect(400);
    expect(badId.body.problems).toEqual([{ field: 'id', message: 'must be a release id' }]);
    const badStep = await act('999999', 10, 'run', {}, 400);
    expect(badStep.body.problems).toEqual([{ field: 'step', message: 'must be a step number, 1 to 9' }]);
    const badAction = await act('999999', 1, 'launch', {}, 400);
    expect(badAction.body.problems.map((p: { field: string }) => p.field)).toEqual(['action']);
    const shortReason = await act('999999', 1, 'run', { reason: 'x' }, 400);
    expect(shortReason.body.problems.map((p: { field: string }) => p.field)).toEqual(['reason']);
    await act('999999', 1, 'run', {}, 404);
    await h.t.http().post('/releases/999999/abort').set(operator).send({ reason: 'gone' }).expect(404);
  });

  let release: ReleaseView;

  it('starts a release with its nine steps pending; one open release per instance', async () => {
    const started = await h.t
      .http()
      .post('/instances/prod/releases')
      .set(operator)
      .send({
        version: '1.18.0',
        notes: 'New filters.\nFaster import.',
        expectedAlembicHead: NEW_HEAD,
        reason: 'the monthly release',
      })
      .expect(201);
    release = started.body;
    expect(release).toMatchObject({ instance: 'prod', status: 'in_progress', nextStep: 1 });
    expect(release.steps.map((s) => [s.number, s.status])).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => [n, 'pending']),
    );
    const second = await h.t
      .http()
      .post('/instances/prod/releases')
      .set(operator)
      .send({ version: '1.18.1' })
      .expect(409);
    expect(second.body.message).toBe(
      `release ${release.id} (1.18.0) of instance "prod" is in progress: finish or abort it first`,
    );
    const list = await h.t.http().get('/instances/prod/releases').set(viewer).expect(200);
    expect(list.body.map((r: ReleaseView) => r.id)).toEqual([release.id]);
  });

  it('walks the steps in order: step 1 broadcasts the downtime as ella-cli would', async () => {
    const early = await act(release.id, 2, 'run', {}, 409);
    expect(early.body.message).toBe(
      'step 2 (Stop ELLA) comes after step 1 (Broadcast the downtime), which is pending',
    );
    const wrong = await act(release.id, 1, 'confirm', {}, 400);
    expect(wrong.body.problems).toEqual([
      { field: 'action', message: 'step 1 (Broadcast the downtime) is run, not confirmed' },
    ]);
    const done = await act(release.id, 1, 'run');
    const one = step(done.body, 1);
    expect(one).toMatchObject({ status: 'done', action: 'run', actor: 'token:operator', attempts: 1 });
    expect(await broadcast(one.output?.broadcastId)).toEqual({
      message: 'ELLA is down for an upgrade to 1.18.0.',
      active: true,
    });
    await act(release.id, 1, 'run', {}, 409);
  });

  it('runs a step once when two calls race for it (step 2 stops ELLA)', async () => {
    // The test holds the release's row lock: both calls wait for it, then claim the step one at a time.
    const holder = new pg.Client({ connectionString: h.t.db.url });
    await holder.connect();
    let a: { status: number; body: unknown };
    let b: { status: number; body: unknown };
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM ella_ops.release WHERE id = $1 FOR UPDATE', [release.id]);
      const settled: number[] = [];
      const run = () =>
        h.t
          .http()
          .post(`/releases/${release.id}/steps/2/run`)
          .set(operator)
          .send({ reason: 'downtime' })
          .then((response) => {
            settled.push(response.status);
            return response;
          });
      const both = Promise.all([run(), run()]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toEqual([]);
      await holder.query('COMMIT');
      [a, b] = await both;
    } finally {
      await holder.end();
    }
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = (a.status === 200 ? a : b).body as ReleaseView;
    expect(step(winner, 2)).toMatchObject({ status: 'done', attempts: 1, reason: 'downtime' });
    const states = await h.prod.client.getAllProcessInfo();
    for (const program of PROGRAMS) {
      expect(states.find((p) => p.name === program)?.statename).toBe('STOPPED');
    }
  });

  it('the monitor expects the primary stopped between steps 2 and 6, and its failover too', async () => {
    const { byKey } = await monitorProblems();
    expect(byKey['prod:processes']).toBeUndefined();
    expect(byKey['dr:failover']).toBeUndefined();
  });

  it('step 3 starts a backup and stays running until the backup task has verified it', async () => {
    const started = await act(release.id, 3, 'run');
    const three = step(started.body, 3);
    expect(three.status === 'running' || three.status === 'done').toBe(true);
    expect(three.backupId).toMatch(/^\d+$/);
    const again = await act(release.id, 3, 'run', {}, 409);
    expect(again.body.message).toMatch(
      /^step 3 \(Back up the database \(verified\)\) is (running: backup \d+ is (running|verified)|already done)$/,
    );
    await h.queue.drained();
    const read = await h.t.http().get(`/releases/${release.id}`).set(viewer).expect(200);
    expect(step(read.body, 3)).toMatchObject({ status: 'done', output: { status: 'verified' } });
    const backup = await h.t.http().get(`/instances/prod/backups/${three.backupId}`).set(viewer).expect(200);
    expect(backup.body).toMatchObject({
      status: 'verified',
      reason: 'release 1.18.0: step 3 (Back up the database (verified))',
    });
    expect(read.body.nextStep).toBe(4);
  });

  it('resumes on another app instance: skip needs a reason, step 5 checks the head, step 6 every program', async () => {
    const b = await startAnotherApp(h);
    try {
      const bAct = (number: number, action: string, body: object = {}, expected = 200) =>
        b
          .http()
          .post(`/releases/${release.id}/steps/${number}/${action}`)
          .set(operator)
          .send(body)
          .expect(expected);
      const read = await b.http().get(`/releases/${release.id}`).set(viewer).expect(200);
      expect(read.body).toMatchObject({ status: 'in_progress', nextStep: 4 });

      await bAct(4, 'run', {}, 400);
      const noReason = await bAct(4, 'skip', {}, 400);
      expect(noReason.body.problems).toEqual([{ field: 'reason', message: 'is required to skip a step' }]);
      const skipped = await bAct(4, 'skip', { reason: 'the image was switched with the VM rebuild' });
      expect(step(skipped.body, 4)).toMatchObject({
        status: 'skipped',
        action: 'skip',
        actor: 'token:operator',
      });

      // Step 5 before the operator migrated: the head is the old one; the release stops there.
      const wrongHead = await bAct(5, 'run');
      expect(wrongHead.body.status).toBe('failed');
      expect(step(wrongHead.body, 5)).toMatchObject({
        status: 'failed',
        error: `alembic_version is ${ELLA_ALEMBIC_HEAD}, not the expected head ${NEW_HEAD}`,
        output: { heads: [ELLA_ALEMBIC_HEAD], expected: NEW_HEAD },
      });
      const blocked = await bAct(6, 'run', {}, 409);
      expect(blocked.body.message).toBe(
        'step 6 (Start ELLA (every program RUNNING)) comes after step 5 (Migrate the database (alembic head)), which is failed',
      );
      // The operator runs the migration (ella-cli database upgrade head), then step 5 again.
      await ella.query('UPDATE alembic_version SET version_num = $1', [NEW_HEAD]);
      const rightHead = await bAct(5, 'run', { reason: 'migrated by hand' });
      expect(rightHead.body.status).toBe('in_progress');
      expect(step(rightHead.body, 5)).toMatchObject({ status: 'done', attempts: 2, error: null });

      // Step 6 starts ELLA and refuses while a program is not RUNNING (the one that exits at once).
      const notAll = await bAct(6, 'run');
      expect(step(notAll.body, 6)).toMatchObject({
        status: 'failed',
        // FATAL once supervisord has given up on it; BACKOFF for the moment before (no retry is left).
        error: expect.stringMatching(new RegExp(`^not running: ${FAILING} \\((FATAL|BACKOFF)\\)$`)),
      });
      expect(step(notAll.body, 6).output).toMatchObject({ programs: { api: 'RUNNING', nginx: 'RUNNING' } });
      await removeProcessGroup(h, FAILING);
      const all = await bAct(6, 'run');
      expect(step(all.body, 6)).toMatchObject({ status: 'done', attempts: 2 });

      const acceptance = await bAct(7, 'run');
      const seven = step(acceptance.body, 7);
      expect(await broadcast(step(acceptance.body, 1).output?.broadcastId)).toMatchObject({ active: false });
      expect(await broadcast(seven.output?.broadcastId)).toEqual({
        message: 'ELLA 1.18.0 is being tested; please wait until the test is over.',
        active: true,
      });
      await bAct(8, 'run', {}, 400);
      const confirmed = await bAct(8, 'confirm', { reason: 'the acceptance tests passed' });
      expect(step(confirmed.body, 8)).toMatchObject({
        status: 'done',
        action: 'confirm',
        reason: 'the acceptance tests passed',
      });

      const finished = await bAct(9, 'run');
      expect(finished.body).toMatchObject({ status: 'completed', nextStep: null });
      expect(await broadcast(seven.output?.broadcastId)).toMatchObject({ active: false });
      await bAct(9, 'run', {}, 409);
    } finally {
      await b.close();
    }
    const queued = await h.t.prisma.outboxEmail.findMany({ where: { app: 'ella-ops' } });
    expect(queued.map((e) => [e.recipients, e.subject])).toEqual([[[USERS], 'ELLA 1.18.0 is available']]);
    await h.t.http().post('/jobs/dispatch-outbox').set(job).expect(200);
    expect(mail.received.map((m) => m.to)).toEqual([[USERS]]);
    expect(mail.received[0]?.raw).toContain('New filters.');
  });

  it('audits every step with who and why', async () => {
    const trail = await h.t.prisma.auditEvent.findMany({
      where: { app: 'ella-ops', entityType: 'ella-release', entityId: { startsWith: `prod/${release.id}` } },
      orderBy: { id: 'asc' },
    });
    const id = `prod/${release.id}`;
    const refused = (a: (typeof trail)[number]) => (a.after as { outcome?: string }).outcome === 'refused';
    // Refused calls too (409: out of order, already done, running, lost the race), with their message.
    expect(trail.filter(refused).map((a) => [a.action, a.entityId])).toEqual([
      ['release.step.run', `${id}/2`],
      ['release.step.run', `${id}/1`],
      ['release.step.run', `${id}/2`],
      ['release.step.run', `${id}/3`],
      ['release.step.run', `${id}/6`],
      ['release.step.run', `${id}/9`],
    ]);
    expect((trail.find(refused)?.after as { message: string }).message).toBe(
      'step 2 (Stop ELLA) comes after step 1 (Broadcast the downtime), which is pending',
    );
    expect(trail.filter((a) => !refused(a)).map((a) => [a.action, a.entityId])).toEqual([
      ['release.start', id],
      ['release.step.run', `${id}/1`],
      ['release.step.run', `${id}/2`],
      ['release.step.run', `${id}/3`],
      ['release.step.done', `${id}/3`],
      ['release.step.skip', `${id}/4`],
      ['release.step.run', `${id}/5`],
      ['release.step.run', `${id}/5`],
      ['release.step.run', `${id}/6`],
      ['release.step.run', `${id}/6`],
      ['release.step.run', `${id}/7`],
      ['release.step.confirm', `${id}/8`],
      ['release.step.run', `${id}/9`],
    ]);
    expect(trail.every((a) => a.actor === 'token:operator' && (a.reason ?? '').length >= 3)).toBe(true);
    expect(trail.find((a) => a.action === 'release.step.skip')?.reason).toBe(
      'the image was switched with the VM rebuild',
    );
    // The release's stop and start are audited as instance actions too, marked as the release's.
    const instance = await h.t.prisma.auditEvent.findMany({
      where: { app: 'ella-ops', entityType: 'ella-instance', entityId: 'prod' },
      orderBy: { id: 'asc' },
    });
    expect(instance.map((a) => [a.action, (a.after as { via?: string }).via])).toEqual([
      ['instance.stop', `release ${release.id} step 2`],
      ['instance.start', `release ${release.id} step 6`],
      ['instance.start', `release ${release.id} step 6`],
    ]);
  });

  it('stops at a failed step with its error; a skip with a reason goes on; an abort closes it', async () => {
    const started = await h.t
      .http()
      .post('/instances/offline/releases')
      .set(operator)
      .send({ version: '1.18.0' })
      .expect(201);
    const id = started.body.id as string;
    const failed = await act(id, 1, 'run');
    expect(failed.body.status).toBe('failed');
    expect(step(failed.body, 1).status).toBe('failed');
    expect(step(failed.body, 1).error).toMatch(/./);
    await act(id, 2, 'run', {}, 409);
    const skipped = await act(id, 1, 'skip', { reason: 'the database is down: no broadcast' });
    expect(skipped.body).toMatchObject({ status: 'in_progress', nextStep: 2 });
    // A step left running by an app that stopped mid-step: refused while it may still run, taken
    // again once STEP_INTERRUPTED_AFTER_MS (15 minutes) has passed.
    const left = { releaseId_number: { releaseId: BigInt(id), number: 2 } };
    await h.t.prisma.ellaReleaseStep.update({
      where: left,
      data: { status: 'running', startedAt: new Date(), attempts: 1 },
    });
    const busy = await act(id, 2, 'run', {}, 409);
    expect(busy.body.message).toBe('step 2 (Stop ELLA) is running');
    await h.t.prisma.ellaReleaseStep.update({
      where: left,
      data: { startedAt: new Date(Date.now() - 16 * 60_000) },
    });
    const retried = await act(id, 2, 'run');
    expect(step(retried.body, 2)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(step(retried.body, 2).error).toMatch(/supervisord of instance "offline" is unreachable/);
    // Step 3's backup fails (pg_dump cannot reach the database): the step fails when the task ends.
    await act(id, 2, 'skip', { reason: 'the VM is down already' });
    await act(id, 3, 'run');
    await h.queue.drained();
    const backupFailed = await h.t.http().get(`/releases/${id}`).set(viewer).expect(200);
    expect(backupFailed.body.status).toBe('failed');
    expect(step(backupFailed.body, 3)).toMatchObject({ status: 'failed', output: { status: 'failed' } });
    expect(step(backupFailed.body, 3).error).toMatch(/^backup \d+ failed: pg_dump: /);
    const noReason = await h.t.http().post(`/releases/${id}/abort`).set(operator).send({}).expect(400);
    expect(noReason.body.problems.map((p: { field: string }) => p.field)).toEqual(['reason']);
    const aborted = await h.t
      .http()
      .post(`/releases/${id}/abort`)
      .set(operator)
      .send({ reason: 'the VM is gone' })
      .expect(200);
    expect(aborted.body).toMatchObject({ status: 'aborted', nextStep: null });
    await h.t.http().post(`/releases/${id}/abort`).set(operator).send({ reason: 'again' }).expect(409);
    const closed = await act(id, 2, 'run', {}, 409);
    expect(closed.body.message).toBe(`release ${id} is aborted`);
    await h.t
      .http()
      .post('/instances/offline/releases')
      .set(operator)
      .send({ version: '1.18.0' })
      .expect(201);
  });

  it('the monitor alerts again on a primary left stopped once its release has ended', async () => {
    const started = await h.t
      .http()
      .post('/instances/prod/releases')
      .set(operator)
      .send({ version: '1.18.1' })
      .expect(201);
    const id = started.body.id as string;
    await act(id, 1, 'skip', { reason: 'a hotfix: no broadcast' });
    await act(id, 2, 'run');
    const during = await monitorProblems();
    expect(during.byKey['prod:processes']).toBeUndefined();
    expect(during.byKey['dr:failover']).toBeUndefined();
    await h.t
      .http()
      .post(`/releases/${id}/abort`)
      .set(operator)
      .send({ reason: 'hotfix postponed' })
      .expect(200);
    const after = await monitorProblems();
    expect(after.opened).toEqual(expect.arrayContaining(['prod:processes', 'dr:failover']));
    expect(after.byKey['prod:processes']).toMatch(
      /^not running: analysis-watcher \(STOPPED\), api \(STOPPED\)/,
    );
    expect(after.byKey['dr:failover']).toBe('ELLA runs on neither primary "prod" nor failover "dr"');
  });

  it('an abort while step 9 runs stands: the step ends, the release stays aborted and nobody is emailed', async () => {
    const started = await h.t
      .http()
      .post('/instances/prod/releases')
      .set(operator)
      .send({ version: '1.18.2' })
      .expect(201);
    const id = started.body.id as string;
    for (const number of [1, 2, 3, 4, 5, 6]) await act(id, number, 'skip', { reason: 'a rehearsal' });
    const seven = step((await act(id, 7, 'run')).body, 7);
    await act(id, 8, 'skip', { reason: 'a rehearsal' });
    // The test holds the row lock of step 7's broadcast in the ELLA database: step 9 waits ending it.
    const holder = new pg.Client({ connectionString: ella.ownerUrl });
    await holder.connect();
    let nine: Promise<{ status: number; body: ReleaseView }> | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM broadcast WHERE id = $1 FOR UPDATE', [seven.output?.broadcastId]);
      nine = h.t
        .http()
        .post(`/releases/${id}/steps/9/run`)
        .set(operator)
        .send({})
        .then((response) => ({ status: response.status, body: response.body as ReleaseView }));
      await waitFor('step 9 to run', async () => {
        const release = await h.t.http().get(`/releases/${id}`).set(viewer).expect(200);
        return step(release.body, 9).status === 'running';
      });
      const aborted = await h.t
        .http()
        .post(`/releases/${id}/abort`)
        .set(operator)
        .send({ reason: 'called off mid-step' })
        .expect(200);
      expect(aborted.body.status).toBe('aborted');
    } finally {
      await holder.query('COMMIT');
      await holder.end();
    }
    const ended = await nine;
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: 'aborted', nextStep: null });
    expect(step(ended.body, 9)).toMatchObject({ status: 'done' });
    expect(await broadcast(seven.output?.broadcastId)).toMatchObject({ active: false });
    const emails = await h.t.prisma.outboxEmail.count({
      where: { dedupeKey: `ella-ops:release:${id}:released` },
    });
    expect(emails).toBe(0);
  });

  it('ends step 3 when its backup is verified even if the retention after it fails', async () => {
    // An old backup whose object the store cannot delete (a folder where the object should be).
    const blocked = path.join(dir, 'objects', 'prod', 'blocked.dump');
    await mkdir(path.join(blocked, 'inside'), { recursive: true });
    const old = await h.t.prisma.ellaBackup.create({
      data: {
        instance: 'prod',
        object: 'prod/blocked.dump',
        status: 'failed',
        startedAt: new Date(Date.now() - 60 * 86_400_000),
        finishedAt: new Date(Date.now() - 60 * 86_400_000),
        createdBy: 'test',
        reason: 'old',
        error: 'old',
      },
    });
    try {
      const started = await h.t
        .http()
        .post('/instances/prod/releases')
        .set(operator)
        .send({ version: '1.18.3' })
        .expect(201);
      const id = started.body.id as string;
      for (const number of [1, 2]) await act(id, number, 'skip', { reason: 'a rehearsal' });
      const three = await act(id, 3, 'run');
      expect(step(three.body, 3).status).toBe('running');
      await h.queue.drained();
      // Ended by the task itself (not by a read of the release, which also looks at the backup).
      const stored = await h.t.prisma.ellaReleaseStep.findUniqueOrThrow({
        where: { releaseId_number: { releaseId: BigInt(id), number: 3 } },
      });
      expect(stored).toMatchObject({ status: 'done', output: { status: 'verified' } });
      await h.t
        .http()
        .post(`/releases/${id}/abort`)
        .set(operator)
        .send({ reason: 'rehearsal over' })
        .expect(200);
    } finally {
      await h.t.prisma.ellaBackup.delete({ where: { id: old.id } });
      await rm(blocked, { recursive: true, force: true });
    }
  });

  it('ends the release broadcasts when step 9 is skipped', async () => {
    const started = await h.t
      .http()
      .post('/instances/prod/releases')
      .set(operator)
      .send({ version: '1.18.4' })
      .expect(201);
    const id = started.body.id as string;
    for (const number of [1, 2, 3, 4, 5, 6]) await act(id, number, 'skip', { reason: 'a rehearsal' });
    const seven = step((await act(id, 7, 'run')).body, 7);
    expect(await broadcast(seven.output?.broadcastId)).toMatchObject({ active: true });
    await act(id, 8, 'skip', { reason: 'a rehearsal' });
    const skipped = await act(id, 9, 'skip', { reason: 'no email for a rehearsal' });
    expect(skipped.body).toMatchObject({ status: 'completed' });
    expect(step(skipped.body, 9)).toMatchObject({
      status: 'skipped',
      output: { broadcastsEnded: [seven.output?.broadcastId] },
    });
    expect(await broadcast(seven.output?.broadcastId)).toMatchObject({ active: false });
  });

  it('posts a step broadcast once, though the step failed after ELLA committed it (steps 1 and 7)', async () => {
    // Faults of the platform database, made by triggers: the broadcast's audit row (written after
    // ELLA's commit) or the step's record of the broadcast id (written before it) is refused.
    const platform = new pg.Client({ connectionString: h.t.db.url });
    await platform.connect();
    const refuse = async (what: 'audit' | 'record' | 'nothing') => {
      await platform.query('DROP TRIGGER IF EXISTS refuse_audit ON platform.audit_event');
      await platform.query('DROP TRIGGER IF EXISTS refuse_record ON ella_ops.release_step');
      if (what === 'audit') {
        await platform.query(`CREATE TRIGGER refuse_audit BEFORE INSERT ON platform.audit_event FOR EACH ROW
          WHEN (NEW.action = 'broadcast.create') EXECUTE FUNCTION public.refuse_for_test()`);
      } else if (what === 'record') {
        await platform.query(`CREATE TRIGGER refuse_record BEFORE UPDATE ON ella_ops.release_step FOR EACH ROW
          WHEN (NEW.status = 'running' AND NEW.output ? 'broadcastId') EXECUTE FUNCTION public.refuse_for_test()`);
      }
    };
    const activeWith = async (message: string) =>
      (
        await ella.query<{ id: number }>(
          'SELECT id FROM broadcast WHERE active AND message = $1 ORDER BY id',
          [message],
        )
      ).rows.map((row) => row.id);
    const downtime = 'ELLA is down for an upgrade to 1.18.5.';
    const acceptance = 'ELLA 1.18.5 is being tested; please wait until the test is over.';
    try {
      await platform.query(`CREATE FUNCTION public.refuse_for_test() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
      const started = await h.t
        .http()
        .post('/instances/prod/releases')
        .set(operator)
        .send({ version: '1.18.5' })
        .expect(201);
      const id = started.body.id as string;

      // The id cannot be recorded: ELLA's transaction rolls back, nothing is posted.
      await refuse('record');
      const unrecorded = await act(id, 1, 'run');
      expect(step(unrecorded.body, 1)).toMatchObject({ status: 'failed', output: null });
      expect(step(unrecorded.body, 1).error).toMatch(/^the broadcast could not be recorded with the step: /);
      expect(await activeWith(downtime)).toEqual([]);

      // Posted and recorded, then the step fails (its audit row is refused): run again, it is kept.
      await refuse('audit');
      const failed = await act(id, 1, 'run');
      expect(step(failed.body, 1)).toMatchObject({ status: 'failed', attempts: 2 });
      expect(step(failed.body, 1).error).toMatch(/refused by the test/);
      const posted = step(failed.body, 1).output?.broadcastId;
      expect(await activeWith(downtime)).toEqual([posted]);
      await refuse('nothing');
      const retried = await act(id, 1, 'run');
      expect(step(retried.body, 1)).toMatchObject({
        status: 'done',
        attempts: 3,
        output: { message: downtime, broadcastId: posted, reused: true },
      });
      expect(await activeWith(downtime)).toEqual([posted]);

      for (const number of [2, 3, 4, 5, 6]) await act(id, number, 'skip', { reason: 'a rehearsal' });
      await refuse('audit');
      const sevenFailed = await act(id, 7, 'run');
      expect(step(sevenFailed.body, 7)).toMatchObject({ status: 'failed' });
      const seven = step(sevenFailed.body, 7).output?.broadcastId;
      expect(await activeWith(acceptance)).toEqual([seven]);
      await refuse('nothing');
      const sevenDone = await act(id, 7, 'run');
      expect(step(sevenDone.body, 7)).toMatchObject({
        status: 'done',
        attempts: 2,
        output: { message: acceptance, broadcastId: seven, reused: true },
      });
      expect(await activeWith(acceptance)).toEqual([seven]);
      expect(await activeWith(downtime)).toEqual([]);

      // A recorded broadcast that is no longer active (ended by hand) is not kept: the step posts one.
      await h.t
        .http()
        .post(`/instances/prod/broadcasts/${String(seven)}/deactivate`)
        .set(operator)
        .send({ reason: 'ended by hand' })
        .expect(200);
      await h.t.prisma.ellaReleaseStep.update({
        where: { releaseId_number: { releaseId: BigInt(id), number: 7 } },
        data: { status: 'failed' },
      });
      const reposted = step((await act(id, 7, 'run')).body, 7);
      expect(reposted).toMatchObject({ status: 'done', output: { message: acceptance } });
      expect(reposted.output?.reused).toBeUndefined();
      expect(await activeWith(acceptance)).toEqual([reposted.output?.broadcastId]);

      // The recorded id now names someone else's broadcast (as after ELLA's database was restored from
      // a backup, which puts its sequence back): not kept, and left alone; the step posts its own.
      const others = 'The network is down in the Clinical School tonight.';
      await ella.query('UPDATE broadcast SET message = $1 WHERE id = $2', [
        others,
        reposted.output?.broadcastId,
      ]);
      await h.t.prisma.ellaReleaseStep.update({
        where: { releaseId_number: { releaseId: BigInt(id), number: 7 } },
        data: { status: 'failed' },
      });
      const own = step((await act(id, 7, 'run')).body, 7);
      expect(own).toMatchObject({ status: 'done', output: { message: acceptance } });
      expect(own.output?.reused).toBeUndefined();
      expect(own.output?.broadcastId).not.toBe(reposted.output?.broadcastId);
      expect(await activeWith(acceptance)).toEqual([own.output?.broadcastId]);

      await act(id, 8, 'skip', { reason: 'a rehearsal' });
      await act(id, 9, 'skip', { reason: 'a rehearsal' });
      expect(await activeWith(acceptance)).toEqual([]);
      expect(await activeWith(others)).toEqual([reposted.output?.broadcastId]);
    } finally {
      await refuse('nothing');
      await platform.query('DROP FUNCTION IF EXISTS public.refuse_for_test()');
      await platform.end();
    }
  });
});

/** supervisord's own `removeProcessGroup` (raw XML-RPC): the program that exits at once goes away. */
async function removeProcessGroup(h: EllaOpsHarness, group: string): Promise<void> {
  // supervisord removes only a group that has stopped: FATAL, once it has given up on the program.
  await waitFor(
    `${group} to be FATAL`,
    async () => (await h.prod.client.getProcessInfo(group)).statename === 'FATAL',
  );
  const response = await fetch(h.prod.url, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml',
      authorization: `Basic ${Buffer.from(`${h.prod.username}:${h.prod.password}`).toString('base64')}`,
    },
    body: `<?xml version="1.0"?><methodCall><methodName>supervisor.removeProcessGroup</methodName><params><param><value><string>${group}</string></value></param></params></methodCall>`,
  });
  const text = await response.text();
  if (!text.includes('<boolean>1</boolean>')) throw new Error(`removeProcessGroup ${group}: ${text}`);
}
