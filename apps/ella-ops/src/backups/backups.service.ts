import { createHash } from 'node:crypto';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { TASK_QUEUE, type TaskQueue } from '@app/google';
import { type EllaBackup, type Prisma, PrismaService } from '@app/db';
import { EllaAudit } from '../audit/ella-audit.js';
import { Clock } from '../clock.js';
import { ELLA_OPS_CONFIG, type EllaOpsConfig } from '../config.js';
import { InstanceRegistry } from '../instances/instance-registry.js';
import type { EllaInstance } from '../instances/instance.types.js';
import { type BackupView, toBackupView } from './backup.types.js';
import { destinationOf } from './backup-store.util.js';
import { pgDump, pgRestoreList } from './pg-tools.util.js';

const CONTENT_TYPE = 'application/vnd.postgresql.custom-dump';

/** Counts and hashes what streams through it. */
class Measure extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
}

/** What the task that takes a backup did. */
export interface BackupTaskOutcome {
  backupId: string;
  outcome: 'done' | 'skipped';
  status: EllaBackup['status'];
  detail: string;
}

/** Told of each backup the task finished (verified or failed): a release's step 3 waits for it. */
export type BackupFinishedListener = (row: EllaBackup) => Promise<void>;

/**
 * Backups of an instance's ELLA database: `pg_dump -Fc` streamed through a SHA-256 and byte count into
 * the instance's store (never whole in memory), then read back through `pg_restore --list` with the
 * hash checked again: only then is it `verified`. A backup is started (a `running` row, one per instance
 * at a time: a transaction-scoped advisory lock makes the check and the insert one step) and done by
 * the `backup` task (the app's task queue: Cloud Tasks, or the in-process dispatcher), which takes the
 * row once, so a task delivered twice dumps once. A backup still `running` BACKUP_TIMEOUT_MINUTES after
 * its task took it (or after it started, while no task took it) was lost (the app stopped): it is
 * marked failed on the next start and by the monitor, and stays failed however its dump ends.
 * Retention (`BACKUP_KEEP_DAYS`) never deletes the newest verified one. Every backup and deletion is
 * audited.
 */
@Injectable()
export class BackupsService {
  private readonly listeners: BackupFinishedListener[] = [];

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly prisma: PrismaService,
    private readonly audit: EllaAudit,
    private readonly clock: Clock,
    @Inject(ELLA_OPS_CONFIG) private readonly config: EllaOpsConfig,
    @Inject(TASK_QUEUE) private readonly queue: TaskQueue,
  ) {}

  onFinished(listener: BackupFinishedListener): void {
    this.listeners.push(listener);
  }

  async list(name: string): Promise<BackupView[]> {
    this.registry.get(name);
    const rows = await this.prisma.ellaBackup.findMany({
      where: { instance: name },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: 100,
    });
    return rows.map(toBackupView);
  }

  async get(name: string, id: bigint): Promise<BackupView> {
    this.registry.get(name);
    const row = await this.prisma.ellaBackup.findFirst({ where: { id, instance: name } });
    if (row === null) throw new NotFoundException(`instance "${name}" has no backup ${id}`);
    return toBackupView(row);
  }

  /**
   * Starts a backup: a `running` row, and the task that dumps and verifies it. 409 naming the running
   * one while the instance has one (after marking lost ones failed).
   */
  async start(name: string, reason: string, actor: string): Promise<EllaBackup> {
    const instance = this.registry.get(name);
    await this.failStale();
    const { prefix } = destinationOf(instance.backupUrl);
    const started = this.clock.now();
    const stamp = started
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const row = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`ella-ops:backup:${name}`}, 0))`;
      const running = await tx.ellaBackup.findFirst({ where: { instance: name, status: 'running' } });
      if (running !== null) {
        throw new ConflictException(
          `backup ${running.id} of instance "${name}" is running (since ${running.startedAt.toISOString()})`,
        );
      }
      const created = await tx.ellaBackup.create({
        data: { instance: name, object: '', status: 'running', startedAt: started, createdBy: actor, reason },
      });
      return tx.ellaBackup.update({
        where: { id: created.id },
        data: { object: `${prefix}${name}/${stamp}-${created.id}.dump` },
      });
    });
    await this.audit.record(actor, {
      action: 'backup.start',
      entityType: 'ella-backup',
      entityId: `${name}/${row.id}`,
      after: { status: 'running', object: row.object },
      reason,
    });
    try {
      await this.queue.enqueue({
        job: 'backup',
        id: `ella-backup-${row.id}`,
        body: { backupId: row.id.toString() },
      });
    } catch (error) {
      const failed = await this.prisma.ellaBackup.update({
        where: { id: row.id },
        data: {
          status: 'failed',
          finishedAt: this.clock.now(),
          error: `its task could not be queued: ${(error as Error).message}`.slice(0, 2000),
        },
      });
      await this.audit.record(actor, {
        action: 'backup.create',
        entityType: 'ella-backup',
        entityId: `${name}/${row.id}`,
        after: { status: 'failed', object: row.object, error: failed.error },
        reason,
      });
      await this.finished(failed);
      throw new ServiceUnavailableException(
        `the backup task could not be queued: ${(error as Error).message}`,
      );
    }
    return row;
  }

  async backUp(name: string, reason: string, actor: string): Promise<BackupView> {
    return toBackupView(await this.start(name, reason, actor));
  }

  /**
   * The `backup` task: takes the running backup once (a second delivery finds it taken and does
   * nothing), dumps and verifies it, audits it, applies retention after a verified one.
   */
  async runTask(id: bigint): Promise<BackupTaskOutcome> {
    const taken = await this.prisma.ellaBackup.updateMany({
      where: { id, status: 'running', workStartedAt: null },
      data: { workStartedAt: this.clock.now() },
    });
    const current = await this.prisma.ellaBackup.findUnique({ where: { id } });
    if (current === null) {
      return { backupId: id.toString(), outcome: 'skipped', status: 'failed', detail: 'no such backup' };
    }
    if (taken.count === 0) {
      return {
        backupId: id.toString(),
        outcome: 'skipped',
        status: current.status,
        detail:
          current.status === 'running' ? 'already taken by another delivery' : `already ${current.status}`,
      };
    }
    let instance: EllaInstance;
    try {
      instance = this.registry.get(current.instance);
    } catch {
      const failed = await this.prisma.ellaBackup.update({
        where: { id },
        data: {
          status: 'failed',
          finishedAt: this.clock.now(),
          error: 'its instance is no longer configured',
        },
      });
      await this.finished(failed);
      return { backupId: id.toString(), outcome: 'done', status: 'failed', detail: failed.error ?? '' };
    }
    const row = await this.dumpAndVerify(instance, current);
    await this.audit.record(row.createdBy, {
      action: 'backup.create',
      entityType: 'ella-backup',
      entityId: `${instance.name}/${row.id}`,
      after: {
        status: row.status,
        object: row.object,
        sizeBytes: Number(row.sizeBytes ?? 0),
        sha256: row.sha256,
        error: row.error,
      },
      reason: row.reason,
    });
    // Told first: a retention that fails (a deletion the store refuses) must not keep step 3 waiting.
    await this.finished(row);
    if (row.status === 'verified') await this.applyRetention(instance, row.createdBy);
    return {
      backupId: id.toString(),
      outcome: 'done',
      status: row.status,
      detail: row.error ?? `verified: ${row.object}`,
    };
  }

  /**
   * Marks failed the backups still `running` BACKUP_TIMEOUT_MINUTES after they started (the app
   * stopped while it ran, or its task was lost), so that they block no new one. Returns their ids.
   */
  async failStale(): Promise<string[]> {
    const limit = this.config.BACKUP_TIMEOUT_MINUTES;
    const before = new Date(this.clock.now().getTime() - limit * 60_000);
    // Counted from when its task took it (a queued backup from when it started): time in the queue
    // does not count against a dump that runs.
    const stale = await this.prisma.ellaBackup.findMany({
      where: {
        status: 'running',
        OR: [{ workStartedAt: { lt: before } }, { workStartedAt: null, startedAt: { lt: before } }],
      },
    });
    const ids: string[] = [];
    for (const row of stale) {
      const error = `lost: still running ${limit} minutes after it started (BACKUP_TIMEOUT_MINUTES)`;
      const updated = await this.prisma.ellaBackup.updateMany({
        where: { id: row.id, status: 'running' },
        data: { status: 'failed', finishedAt: this.clock.now(), error },
      });
      if (updated.count === 0) continue;
      await this.audit.record('ella-ops', {
        action: 'backup.lost',
        entityType: 'ella-backup',
        entityId: `${row.instance}/${row.id}`,
        before: {
          status: 'running',
          startedAt: row.startedAt.toISOString(),
          startedBy: row.createdBy,
          startReason: row.reason,
        },
        after: { status: 'failed', error },
        reason: `BACKUP_TIMEOUT_MINUTES (${limit}) passed`,
      });
      await this.finished({ ...row, status: 'failed', error });
      ids.push(row.id.toString());
    }
    return ids;
  }

  private async finished(row: EllaBackup): Promise<void> {
    for (const listener of this.listeners) await listener(row);
  }

  /** Reads a backup back (`pg_restore --list`, SHA-256 again): a changed or damaged object is `failed`. */
  async verify(name: string, id: bigint, reason: string, actor: string): Promise<BackupView> {
    const instance = this.registry.get(name);
    const row = await this.prisma.ellaBackup.findFirst({ where: { id, instance: name } });
    if (row === null) throw new NotFoundException(`instance "${name}" has no backup ${id}`);
    if (row.status === 'running' || row.status === 'deleted') {
      throw new ConflictException(`backup ${id} of instance "${name}" is ${row.status}`);
    }
    const check = await this.readBack(instance, row);
    const updated = await this.prisma.ellaBackup.update({
      where: { id },
      data: check.ok
        ? { status: 'verified', verifiedAt: this.clock.now(), error: null }
        : { status: 'failed', error: check.error },
    });
    await this.audit.record(actor, {
      action: 'backup.verify',
      entityType: 'ella-backup',
      entityId: `${name}/${id}`,
      before: { status: row.status },
      after: { status: updated.status, error: updated.error },
      reason,
    });
    return toBackupView(updated);
  }

  private async dumpAndVerify(instance: EllaInstance, row: EllaBackup): Promise<EllaBackup> {
    const { store } = destinationOf(instance.backupUrl);
    const dump = pgDump(instance.databaseUrl);
    const measure = new Measure();
    const body = new PassThrough();
    // A dump that fails can destroy `body` after the pipeline below has finished (pg_dump wrote what
    // it did and exited) and before the upload has begun to read it (the store writes its metadata
    // first): neither listens then, and an 'error' event nobody listens to would crash the process.
    // The error is the dump's, which `ended` reports; the upload fails on the destroyed stream.
    body.on('error', () => undefined);
    // pg_dump's output through the hash into the upload; a failed stage destroys the others.
    const piped = pipeline(dump.output, measure, body).then(
      () => null,
      (pipeError: unknown) => (pipeError as Error).message,
    );
    // A dump that ends badly must fail the upload, so that no partial object is kept.
    const ended = dump.done.then((result) => {
      if (!result.ok) body.destroy(new Error(result.error));
      return result;
    });
    let error: string | null = null;
    try {
      await store.putStream(row.object, body, {
        contentType: CONTENT_TYPE,
        metadata: { instance: instance.name, backupId: row.id.toString() },
      });
    } catch (uploadError) {
      error = (uploadError as Error).message;
    }
    const dumpFailedFirst = dump.child.exitCode !== null && dump.child.exitCode !== 0;
    if (error !== null && !dumpFailedFirst) {
      // The upload failed on its own: nothing reads pg_dump's output any more, so stop it (it would
      // block on its full pipe forever) and keep the storage's error.
      dump.child.kill('SIGTERM');
      dump.output.destroy();
      body.destroy();
      await Promise.all([ended, piped]);
    } else {
      const [result] = await Promise.all([ended, piped]);
      if (!result.ok) error = result.error;
    }
    if (error !== null) {
      await store.delete(row.object).catch(() => false);
      return this.whileRunning(row.id, {
        status: 'failed',
        finishedAt: this.clock.now(),
        error: error.slice(0, 2000),
      });
    }
    const sha256 = measure.hash.digest('hex');
    const written = await this.whileRunning(row.id, {
      sizeBytes: BigInt(measure.size),
      sha256,
      finishedAt: this.clock.now(),
    });
    if (written.status !== 'running') return written;
    const check = await this.readBack(instance, written);
    return this.whileRunning(
      row.id,
      check.ok
        ? { status: 'verified', verifiedAt: this.clock.now() }
        : { status: 'failed', error: check.error },
    );
  }

  /**
   * Updates the backup only while it is still `running`, and answers it as it is: one marked lost
   * (failStale) meanwhile stays `failed`, however its dump ends.
   */
  private async whileRunning(
    id: bigint,
    data: Prisma.EllaBackupUpdateManyMutationInput,
  ): Promise<EllaBackup> {
    await this.prisma.ellaBackup.updateMany({ where: { id, status: 'running' }, data });
    return this.prisma.ellaBackup.findUniqueOrThrow({ where: { id } });
  }

  private async readBack(
    instance: EllaInstance,
    row: EllaBackup,
  ): Promise<{ ok: true } | { ok: false; error: string }> {
    const { store } = destinationOf(instance.backupUrl);
    let content;
    try {
      content = (await store.get(row.object)).content;
    } catch (error) {
      return { ok: false, error: `cannot read ${row.object}: ${(error as Error).message}` };
    }
    // The whole object goes through the hash, though pg_restore --list reads only its start.
    const measure = new Measure();
    const listed = await pgRestoreList(content, [measure]);
    if (!listed.ok) return { ok: false, error: listed.error.slice(0, 2000) };
    const sha256 = measure.hash.digest('hex');
    if (sha256 !== row.sha256)
      return { ok: false, error: `its SHA-256 is ${sha256}, not the ${row.sha256 ?? '?'} recorded` };
    if (listed.entries === 0) return { ok: false, error: 'pg_restore --list found no entries' };
    return { ok: true };
  }

  /**
   * Deletes backups that started more than BACKUP_KEEP_DAYS ago, never the newest verified one (even
   * when it is older), and never a running one. Returns the ids deleted.
   */
  async applyRetention(instance: EllaInstance, actor: string): Promise<string[]> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.BACKUP_KEEP_DAYS * 86_400_000);
    const newestVerified = await this.prisma.ellaBackup.findFirst({
      where: { instance: instance.name, status: 'verified' },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    });
    const old = await this.prisma.ellaBackup.findMany({
      where: {
        instance: instance.name,
        status: { in: ['verified', 'failed'] },
        startedAt: { lt: cutoff },
        ...(newestVerified === null ? {} : { id: { not: newestVerified.id } }),
      },
    });
    const { store } = destinationOf(instance.backupUrl);
    const deleted: string[] = [];
    for (const row of old) {
      await store.delete(row.object);
      await this.prisma.ellaBackup.update({
        where: { id: row.id },
        data: { status: 'deleted', deletedAt: this.clock.now() },
      });
      await this.audit.record(actor, {
        action: 'backup.delete',
        entityType: 'ella-backup',
        entityId: `${instance.name}/${row.id}`,
        before: { status: row.status, object: row.object },
        after: { status: 'deleted' },
        reason: `retention: older than BACKUP_KEEP_DAYS (${this.config.BACKUP_KEEP_DAYS})`,
      });
      deleted.push(row.id.toString());
    }
    return deleted;
  }
}
