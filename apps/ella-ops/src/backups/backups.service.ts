import { createHash } from 'node:crypto';
import { PassThrough, Transform } from 'node:stream';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type EllaBackup, PrismaService } from '@app/db';
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

/**
 * Backups of an instance's ELLA database: `pg_dump -Fc` streamed through a SHA-256 and byte count into
 * the instance's store (never whole in memory), then read back through `pg_restore --list` with the
 * hash checked again: only then is it `verified`. One backup per instance at a time (this process; the
 * service runs one instance). Retention (`BACKUP_KEEP_DAYS`) never deletes the newest verified one.
 * Every backup and deletion is audited.
 */
@Injectable()
export class BackupsService {
  private readonly running = new Set<string>();

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly prisma: PrismaService,
    private readonly audit: EllaAudit,
    private readonly clock: Clock,
    @Inject(ELLA_OPS_CONFIG) private readonly config: EllaOpsConfig,
  ) {}

  async list(name: string): Promise<BackupView[]> {
    this.registry.get(name);
    const rows = await this.prisma.ellaBackup.findMany({
      where: { instance: name },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: 100,
    });
    return rows.map(toBackupView);
  }

  async backUp(name: string, reason: string, actor: string): Promise<BackupView> {
    const instance = this.registry.get(name);
    if (this.running.has(name))
      throw new ConflictException(`a backup of instance "${name}" is already running`);
    this.running.add(name);
    try {
      const { prefix } = destinationOf(instance.backupUrl);
      const started = this.clock.now();
      const stamp = started
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      let row = await this.prisma.ellaBackup.create({
        data: { instance: name, object: '', status: 'running', startedAt: started, createdBy: actor, reason },
      });
      const object = `${prefix}${name}/${stamp}-${row.id}.dump`;
      row = await this.prisma.ellaBackup.update({ where: { id: row.id }, data: { object } });
      row = await this.dumpAndVerify(instance, row);
      await this.audit.record(actor, {
        action: 'backup.create',
        entityType: 'ella-backup',
        entityId: `${name}/${row.id}`,
        after: {
          status: row.status,
          object: row.object,
          sizeBytes: Number(row.sizeBytes ?? 0),
          sha256: row.sha256,
          error: row.error,
        },
        reason,
      });
      if (row.status === 'verified') await this.applyRetention(instance, actor);
      return toBackupView(row);
    } finally {
      this.running.delete(name);
    }
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
    dump.output.pipe(measure).pipe(body);
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
    const result = await ended;
    if (!result.ok) error = result.error;
    if (error !== null) {
      await store.delete(row.object).catch(() => false);
      return this.prisma.ellaBackup.update({
        where: { id: row.id },
        data: { status: 'failed', finishedAt: this.clock.now(), error: error.slice(0, 2000) },
      });
    }
    const sha256 = measure.hash.digest('hex');
    const written = await this.prisma.ellaBackup.update({
      where: { id: row.id },
      data: { sizeBytes: BigInt(measure.size), sha256, finishedAt: this.clock.now() },
    });
    const check = await this.readBack(instance, written);
    return this.prisma.ellaBackup.update({
      where: { id: row.id },
      data: check.ok
        ? { status: 'verified', verifiedAt: this.clock.now() }
        : { status: 'failed', error: check.error },
    });
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
    const measure = new Measure();
    const listed = await pgRestoreList(content.pipe(measure));
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
