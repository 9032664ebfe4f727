// Backups end to end: started by the API (202, running), done by the `backup` task that the local task
// queue delivers over HTTP to the app's own /tasks/backup: real pg_dump of a real ELLA database (our
// fixture of ELLA's schema), streamed into a folder store, verified by real pg_restore --list; one
// backup per instance at a time; a task delivered twice dumps once; a lost backup marked failed; a
// damaged object detected; a dump that fails leaves nothing; retention never deletes the newest
// verified backup; a backup whose task could not be queued fails at once; who may do what; the audit.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { BackupsService } from '../src/backups/backups.service.js';
import { FixedClock } from '../src/clock.js';
import { InstanceRegistry } from '../src/instances/instance-registry.js';
import { createEllaTestDatabase, type EllaTestDatabase } from './ella-database.fixture.js';
import {
  type EllaOpsHarness,
  job,
  operator,
  startAnotherApp,
  startEllaOps,
  viewer,
} from './ella-ops.harness.js';
import { supervisordInstalled, waitFor } from './supervisord.harness.js';

const describeWith = supervisordInstalled ? describe : describe.skip;
const T0 = new Date('2026-11-26T10:00:00.000Z');
const reason = 'before the 1.18 deploy';

describeWith('ella-ops backups', () => {
  let h: EllaOpsHarness;
  let ella: EllaTestDatabase;
  let dir: string;
  const clock = new FixedClock(T0);
  const objectFile = (object: string) => path.join(dir, 'objects', ...object.split('/'));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ella-ops-backups-'));
    ella = await createEllaTestDatabase(T0);
    // A real-sized database: a dump of several MB, far more than pg_restore --list reads of it.
    await ella.query(
      `CREATE TABLE bulk_attachment AS
         SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS body FROM generate_series(1, 150000) AS g`,
    );
    h = await startEllaOps({
      databaseUrl: ella.ownerUrl,
      backupUrl: pathToFileURL(dir).href,
      clock,
      env: { BACKUP_KEEP_DAYS: '1' },
    });
  });
  afterAll(async () => {
    await h?.close();
    await ella?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps backups for operators, lists for viewers, and checks the body', async () => {
    await h.t.http().get('/instances/prod/backups').expect(401);
    await h.t.http().get('/instances/prod/backups').set(job).expect(403);
    await h.t.http().post('/instances/prod/backups').send({ reason }).expect(401);
    await h.t.http().post('/instances/prod/backups').set(viewer).send({ reason }).expect(403);
    const bad = await h.t.http().post('/instances/prod/backups').set(operator).send({}).expect(400);
    expect(bad.body.problems).toEqual([{ field: 'reason', message: expect.any(String) }]);
    await h.t.http().post('/instances/nope/backups').set(operator).send({ reason }).expect(404);
    await h.t.http().post('/instances/prod/backups/x/verify').set(operator).send({ reason }).expect(400);
    const badId = await h.t.http().get('/instances/prod/backups/0').set(viewer).expect(400);
    expect(badId.body.problems).toEqual([{ field: 'id', message: 'must be a backup id' }]);
    await h.t.http().get('/instances/prod/backups/1').expect(401);
    await h.t.http().get('/instances/prod/backups/999999').set(viewer).expect(404);
    await h.t.http().post('/tasks/backup').set(operator).send({ backupId: '1' }).expect(403);
    await h.t.http().post('/tasks/backup').send({ backupId: '1' }).expect(401);
    const badTask = await h.t.http().post('/tasks/backup').set(job).send({ backupId: 'x' }).expect(400);
    expect(badTask.body.problems).toEqual([{ field: 'backupId', message: 'must be a backup id' }]);
    expect((await h.t.http().get('/instances/prod/backups').set(viewer).expect(200)).body).toEqual([]);
  });

  /** Starts a backup (202, running), waits for its task, and answers the backup as it ended. */
  const backUp = async (name: string, why: string) => {
    const started = await h.t
      .http()
      .post(`/instances/${name}/backups`)
      .set(operator)
      .send({ reason: why })
      .expect(202);
    expect(started.body).toMatchObject({ status: 'running', finishedAt: null, sha256: null });
    await h.queue.drained();
    const done = await h.t
      .http()
      .get(`/instances/${name}/backups/${started.body.id}`)
      .set(viewer)
      .expect(200);
    return done;
  };

  let first: { id: string; object: string; sha256: string; sizeBytes: number };

  it('dumps the database into the store, records size and SHA-256, and verifies it', async () => {
    const response = await backUp('prod', reason);
    expect(response.body).toMatchObject({
      instance: 'prod',
      status: 'verified',
      object: `prod/20261126T100000Z-${response.body.id}.dump`,
      createdBy: 'token:operator',
      reason,
      error: null,
    });
    first = response.body;
    const content = await readFile(objectFile(first.object));
    expect(content.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    expect(first.sizeBytes).toBe(content.length);
    expect(content.length).toBeGreaterThan(3_000_000);
    expect(first.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    const list = await h.t.http().get('/instances/prod/backups').set(viewer).expect(200);
    expect(list.body.map((b: { id: string }) => b.id)).toEqual([first.id]);
    const trail = await h.t.prisma.auditEvent.findMany({
      where: { app: 'ella-ops', entityType: 'ella-backup' },
    });
    expect(trail.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ['backup.start', 'token:operator', reason],
      ['backup.create', 'token:operator', reason],
    ]);
  });

  it('dumps once when its task is delivered again', async () => {
    const again = await h.t.http().post('/tasks/backup').set(job).send({ backupId: first.id }).expect(200);
    expect(again.body.summary).toMatchObject({ outcome: 'skipped', status: 'verified' });
    const trail = await h.t.prisma.auditEvent.count({ where: { app: 'ella-ops', action: 'backup.create' } });
    expect(trail).toBe(1);
  });

  it('finds a damaged backup when it reads it back', async () => {
    const file = objectFile(first.object);
    const good = await readFile(file);
    await truncate(file, 200); // its table of contents cut
    const damaged = await h.t
      .http()
      .post(`/instances/prod/backups/${first.id}/verify`)
      .set(operator)
      .send({ reason: 'checking' })
      .expect(200);
    expect(damaged.body).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^pg_restore --list: /),
    });
    // Cut after its table of contents: pg_restore --list still lists it; the SHA-256 of the whole does not match.
    await writeFile(file, good.subarray(0, Math.floor(good.length / 2)));
    const halved = await h.t
      .http()
      .post(`/instances/prod/backups/${first.id}/verify`)
      .set(operator)
      .send({ reason: 'checking' })
      .expect(200);
    expect(halved.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/^its SHA-256 is /) });
    await writeFile(file, good);
    // Same length, one byte changed in the data: pg_restore may still list it; the SHA-256 does not match.
    const changed = Buffer.from(good);
    changed[changed.length - 10] = (changed[changed.length - 10] ?? 0) ^ 0xff;
    await writeFile(file, changed);
    const flipped = await h.t
      .http()
      .post(`/instances/prod/backups/${first.id}/verify`)
      .set(operator)
      .send({ reason: 'checking' })
      .expect(200);
    expect(flipped.body.status).toBe('failed');
    await writeFile(file, good);
    const restored = await h.t
      .http()
      .post(`/instances/prod/backups/${first.id}/verify`)
      .set(operator)
      .send({ reason: 'checking' })
      .expect(200);
    expect(restored.body).toMatchObject({ status: 'verified', error: null });
  });

  it('records a dump that fails, and keeps no object of it', async () => {
    const response = await backUp('offline', reason);
    expect(response.body).toMatchObject({
      instance: 'offline',
      status: 'failed',
      error: expect.stringMatching(/^pg_dump: /),
    });
    await expect(readFile(objectFile(response.body.object))).rejects.toThrow(/ENOENT/);
  });

  it('fails a backup promptly when the store refuses it, and leaves no pg_dump running', async () => {
    // A file where the store wants the instance's folder: the upload fails before it reads the dump.
    const blocker = path.join(dir, 'objects', 'dr');
    await writeFile(blocker, 'not a folder');
    try {
      const begun = Date.now();
      const response = await backUp('dr', reason);
      expect(response.body).toMatchObject({
        instance: 'dr',
        status: 'failed',
        error: expect.stringMatching(/EEXIST|ENOTDIR/),
      });
      expect(Date.now() - begun).toBeLessThan(15_000);
      // pg_dump was stopped: its session leaves the ELLA database.
      const dumping = async () =>
        (
          await ella.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_dump'",
          )
        ).rows[0]?.n;
      const until = Date.now() + 5_000;
      while ((await dumping()) !== '0' && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await dumping()).toBe('0');
    } finally {
      await rm(blocker, { force: true });
    }
  });

  it('deletes backups past BACKUP_KEEP_DAYS after a new one, never the newest verified', async () => {
    clock.set('2026-11-28T10:00:00Z');
    const second = await backUp('prod', 'nightly');
    expect(second.body.status).toBe('verified');
    const list = await h.t.http().get('/instances/prod/backups').set(viewer).expect(200);
    expect(list.body.map((b: { id: string; status: string }) => [b.id, b.status])).toEqual([
      [second.body.id, 'verified'],
      [first.id, 'deleted'],
    ]);
    await expect(readFile(objectFile(first.object))).rejects.toThrow(/ENOENT/);
    // Days later, with no newer backup: the newest verified one stays.
    clock.set('2026-12-10T10:00:00Z');
    const service = h.t.app.get(BackupsService);
    const instance = h.t.app.get(InstanceRegistry).get('prod');
    expect(await service.applyRetention(instance, 'test')).toEqual([]);
    expect((await readFile(objectFile(second.body.object))).length).toBe(second.body.sizeBytes);
    const deletions = await h.t.prisma.auditEvent.findMany({
      where: { app: 'ella-ops', action: 'backup.delete' },
    });
    expect(deletions.map((a) => a.entityId)).toEqual([`prod/${first.id}`]);
  });

  it('refuses to verify a deleted backup (409) and an unknown one (404)', async () => {
    await h.t
      .http()
      .post(`/instances/prod/backups/${first.id}/verify`)
      .set(operator)
      .send({ reason: 'checking' })
      .expect(409);
    await h.t
      .http()
      .post('/instances/prod/backups/999999/verify')
      .set(operator)
      .send({ reason: 'checking' })
      .expect(404);
  });

  it('keeps one backup per instance at a time, and a lost one blocks only until BACKUP_TIMEOUT_MINUTES', async () => {
    // A backup left running by a crash: a row nobody works on (its task never came).
    const lost = await h.t.prisma.ellaBackup.create({
      data: {
        instance: 'prod',
        object: 'prod/lost.dump',
        status: 'running',
        startedAt: clock.now(),
        workStartedAt: clock.now(),
        createdBy: 'token:operator',
        reason: 'lost',
      },
    });
    const refused = await h.t
      .http()
      .post('/instances/prod/backups')
      .set(operator)
      .send({ reason })
      .expect(409);
    expect(refused.body.message).toBe(
      `backup ${lost.id} of instance "prod" is running (since 2026-12-10T10:00:00.000Z)`,
    );
    // Other instances are not blocked; the task's second delivery of the lost one does nothing.
    const task = await h.t
      .http()
      .post('/tasks/backup')
      .set(job)
      .send({ backupId: lost.id.toString() })
      .expect(200);
    expect(task.body.summary).toMatchObject({ outcome: 'skipped', status: 'running' });
    clock.set('2026-12-10T11:01:00Z'); // over BACKUP_TIMEOUT_MINUTES (60) after it started
    const next = await backUp('prod', 'after the crash');
    expect(next.body.status).toBe('verified');
    const marked = await h.t.http().get(`/instances/prod/backups/${lost.id}`).set(viewer).expect(200);
    expect(marked.body).toMatchObject({
      status: 'failed',
      error: 'lost: still running 60 minutes after it started (BACKUP_TIMEOUT_MINUTES)',
    });
    const audit = await h.t.prisma.auditEvent.findMany({ where: { app: 'ella-ops', action: 'backup.lost' } });
    expect(audit.map((a) => a.entityId)).toEqual([`prod/${lost.id}`]);
    // Who started it and why stay with its end.
    expect(audit[0]?.before).toMatchObject({ startedBy: 'token:operator', startReason: 'lost' });
  });

  it('makes one backup of two started at once: the start holds a lock per instance (the other is a 409)', async () => {
    // The test holds the lock a start takes: both starts wait for it, then go one after the other.
    const holder = new pg.Client({ connectionString: h.t.db.url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtextextended('ella-ops:backup:prod', 0))");
      const settled: number[] = [];
      const start = () =>
        h.t
          .http()
          .post('/instances/prod/backups')
          .set(operator)
          .send({ reason: 'twice' })
          .then((response) => {
            settled.push(response.status);
            return response;
          });
      const both = Promise.all([start(), start()]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toEqual([]);
      await holder.query("SELECT pg_advisory_unlock(hashtextextended('ella-ops:backup:prod', 0))");
      const [a, b] = await both;
      expect([a.status, b.status].sort()).toEqual([202, 409]);
    } finally {
      await holder.end();
    }
    await h.queue.drained();
    const rows = await h.t.prisma.ellaBackup.findMany({ where: { instance: 'prod', reason: 'twice' } });
    expect(rows.map((r) => r.status)).toEqual(['verified']);
  });

  it('counts a backup lost from when its task took it, and one marked lost stays failed when its dump ends', async () => {
    // The test locks the big table: pg_dump waits for it, so the backup's dump is running meanwhile.
    const holder = new pg.Client({ connectionString: ella.ownerUrl });
    await holder.connect();
    const service = h.t.app.get(BackupsService);
    let id: string | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE bulk_attachment IN ACCESS EXCLUSIVE MODE');
      const started = await h.t
        .http()
        .post('/instances/prod/backups')
        .set(operator)
        .send({ reason: 'slow' })
        .expect(202);
      id = started.body.id as string;
      await waitFor('pg_dump to wait for the lock', async () => {
        const waiting = await ella.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_dump' AND wait_event_type = 'Lock'",
        );
        return waiting.rowCount === 1;
      });
      // As if it had waited two hours in the queue: its dump only just started, so it is not lost.
      await h.t.prisma.ellaBackup.update({
        where: { id: BigInt(id) },
        data: { startedAt: new Date(clock.now().getTime() - 2 * 3_600_000) },
      });
      expect(await service.failStale()).toEqual([]);
      clock.set(new Date(clock.now().getTime() + 61 * 60_000));
      expect(await service.failStale()).toEqual([id]);
    } finally {
      await holder.query('COMMIT');
      await holder.end();
    }
    await h.queue.drained();
    const ended = await h.t
      .http()
      .get(`/instances/prod/backups/${id ?? '?'}`)
      .set(viewer)
      .expect(200);
    expect(ended.body).toMatchObject({
      status: 'failed',
      error: 'lost: still running 60 minutes after it started (BACKUP_TIMEOUT_MINUTES)',
    });
  });

  it('fails a backup whose task could not be queued, and audits who started it and why', async () => {
    // An app whose task queue is closed (as while it shuts down): its enqueue throws.
    const closing = await startAnotherApp(h, clock);
    const why = 'before the queue closed';
    let id: string | undefined;
    try {
      await closing.queue.close();
      const refused = await closing
        .http()
        .post('/instances/prod/backups')
        .set(operator)
        .send({ reason: why })
        .expect(503);
      expect(refused.body.message).toBe(
        'the backup task could not be queued: the local task queue is closed',
      );
      const list = await closing.http().get('/instances/prod/backups').set(viewer).expect(200);
      id = (list.body as { id: string; reason: string }[]).find((b) => b.reason === why)?.id;
    } finally {
      await closing.close();
    }
    // Not left running: failed at once, saying why, and the next start is not blocked by it.
    const failed = await h.t
      .http()
      .get(`/instances/prod/backups/${id ?? '?'}`)
      .set(viewer)
      .expect(200);
    expect(failed.body).toMatchObject({
      status: 'failed',
      createdBy: 'token:operator',
      reason: why,
      error: 'its task could not be queued: the local task queue is closed',
    });
    expect(failed.body.finishedAt).not.toBeNull();
    const trail = await h.t.prisma.auditEvent.findMany({
      where: { app: 'ella-ops', entityType: 'ella-backup', entityId: `prod/${id ?? '?'}` },
      orderBy: { id: 'asc' },
    });
    expect(trail.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ['backup.start', 'token:operator', why],
      ['backup.create', 'token:operator', why],
    ]);
    expect(trail[1]?.after).toEqual({
      status: 'failed',
      object: failed.body.object,
      error: 'its task could not be queued: the local task queue is closed',
    });
    expect((await backUp('prod', 'after the queue was back')).body.status).toBe('verified');
  });

  it("backs up for real under JOBS_FORCE_DRY_RUN (staging): a backup is an operator's action", async () => {
    const staging = await startAnotherApp(h, clock, { JOBS_FORCE_DRY_RUN: true });
    try {
      const started = await staging
        .http()
        .post('/instances/prod/backups')
        .set(operator)
        .send({ reason: 'staging' })
        .expect(202);
      await staging.queue.drained();
      const done = await staging
        .http()
        .get(`/instances/prod/backups/${started.body.id}`)
        .set(viewer)
        .expect(200);
      expect(done.body).toMatchObject({ status: 'verified', error: null });
      expect((await readFile(objectFile(done.body.object))).length).toBe(done.body.sizeBytes);
      const run = await h.t.prisma.jobRun.findFirst({
        where: { job: 'backup' },
        orderBy: { startedAt: 'desc' },
      });
      // The run record says what happened: a real run, the setting not applied and why.
      expect(run?.dryRun).toBe(false);
      expect(run?.summary).toMatchObject({
        status: 'verified',
        forcedDryRunNotApplied: "a backup is an operator's action: JOBS_FORCE_DRY_RUN does not apply to it",
      });
      expect(run?.summary).not.toHaveProperty('forcedDryRun');
    } finally {
      await staging.close();
    }
  });
});
