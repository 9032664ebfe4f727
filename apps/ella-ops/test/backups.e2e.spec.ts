// Backups end to end: real pg_dump of a real ELLA database (our fixture of ELLA's schema), streamed into
// a folder store, verified by real pg_restore --list; a damaged object detected; a dump that fails
// leaves nothing; retention never deletes the newest verified backup; who may do what; the audit.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BackupsService } from '../src/backups/backups.service.js';
import { FixedClock } from '../src/clock.js';
import { InstanceRegistry } from '../src/instances/instance-registry.js';
import { createEllaTestDatabase, type EllaTestDatabase } from './ella-database.fixture.js';
import { type EllaOpsHarness, job, operator, startEllaOps, viewer } from './ella-ops.harness.js';
import { supervisordInstalled } from './supervisord.harness.js';

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
    expect((await h.t.http().get('/instances/prod/backups').set(viewer).expect(200)).body).toEqual([]);
  });

  let first: { id: string; object: string; sha256: string; sizeBytes: number };

  it('dumps the database into the store, records size and SHA-256, and verifies it', async () => {
    const response = await h.t
      .http()
      .post('/instances/prod/backups')
      .set(operator)
      .send({ reason })
      .expect(201);
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
    expect(first.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    const list = await h.t.http().get('/instances/prod/backups').set(viewer).expect(200);
    expect(list.body.map((b: { id: string }) => b.id)).toEqual([first.id]);
    const trail = await h.t.prisma.auditEvent.findMany({
      where: { app: 'ella-ops', entityType: 'ella-backup' },
    });
    expect(trail.map((a) => [a.action, a.reason])).toEqual([['backup.create', reason]]);
  });

  it('finds a damaged backup when it reads it back', async () => {
    const file = objectFile(first.object);
    const good = await readFile(file);
    await truncate(file, Math.floor(good.length / 2));
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
    const response = await h.t
      .http()
      .post('/instances/offline/backups')
      .set(operator)
      .send({ reason })
      .expect(201);
    expect(response.body).toMatchObject({
      instance: 'offline',
      status: 'failed',
      error: expect.stringMatching(/^pg_dump: /),
    });
    await expect(readFile(objectFile(response.body.object))).rejects.toThrow(/ENOENT/);
  });

  it('deletes backups past BACKUP_KEEP_DAYS after a new one, never the newest verified', async () => {
    clock.set('2026-11-28T10:00:00Z');
    const second = await h.t
      .http()
      .post('/instances/prod/backups')
      .set(operator)
      .send({ reason: 'nightly' })
      .expect(201);
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
});
