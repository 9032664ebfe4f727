import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import {
  type EllaBackup,
  type EllaRelease,
  type EllaReleaseStep,
  type Prisma,
  PrismaService,
  type PrismaTx,
} from '@app/db';
import { EmailOutbox } from '@app/notifications';
import { EllaAudit } from '../audit/ella-audit.js';
import { BackupsService } from '../backups/backups.service.js';
import { Clock } from '../clock.js';
import { ELLA_OPS_CONFIG, type EllaOpsConfig } from '../config.js';
import { EllaDatabases } from '../ella-db/ella-databases.js';
import { InstanceRegistry } from '../instances/instance-registry.js';
import type { EllaInstance } from '../instances/instance.types.js';
import { ProcessesService } from '../processes/processes.service.js';
import { ACTIVE_STATES } from '../supervisor/supervisor.types.js';
import { ReleaseBroadcasts } from './release-broadcasts.service.js';
import {
  type ReleaseView,
  STEPS,
  type StartReleaseBody,
  type StepAction,
  toReleaseView,
} from './release.types.js';

type ReleaseWithSteps = EllaRelease & { steps: EllaReleaseStep[] };

/** What a step's work came to: `running` only for step 3, which waits for its backup. */
interface StepResult {
  status: 'done' | 'failed' | 'running';
  /** Undefined: the output stored with the step stays (a broadcast step's id, written before its commit). */
  output: Record<string, unknown> | undefined;
  error?: string;
  backupId?: bigint;
}

const OPEN: EllaRelease['status'][] = ['in_progress', 'failed'];

/**
 * A step's work is one request (supervisord and database calls have their own time limits): a step
 * still `running` this long after it started was interrupted (the app stopped mid-step) and may be
 * acted on again. Step 3 waits for its backup instead, whose own timeout (BACKUP_TIMEOUT_MINUTES) fails it.
 */
export const STEP_INTERRUPTED_AFTER_MS = 15 * 60_000;

const badRequest = (field: string, message: string) =>
  new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `${field}: ${message}`,
    problems: [{ field, message }],
  });

const titleOf = (number: number) => `step ${number} (${STEPS[number - 1]?.title ?? '?'})`;

/**
 * The release runbook of an instance, kept in ella_ops.release and ella_ops.release_step, so that a
 * restarted app (or another instance of it) resumes where the release stands. Steps go in order: one
 * may be acted on once the step before it is done or skipped. A step is claimed (status `running`)
 * in a transaction holding the release's row lock, so two calls cannot run it twice (the second is a
 * 409). A step that fails stops the release (`failed`) with its error and output: it may be run again,
 * skipped with a reason, or the release aborted. Step 3 starts a backup and stays `running` until the
 * backup task verifies it (done) or fails it (failed). Every action is audited with who and why.
 */
@Injectable()
export class ReleasesService {
  constructor(
    private readonly registry: InstanceRegistry,
    private readonly prisma: PrismaService,
    private readonly audit: EllaAudit,
    private readonly clock: Clock,
    private readonly processes: ProcessesService,
    private readonly broadcasts: ReleaseBroadcasts,
    private readonly backups: BackupsService,
    private readonly databases: EllaDatabases,
    private readonly outbox: EmailOutbox,
    @Inject(ELLA_OPS_CONFIG) private readonly config: EllaOpsConfig,
  ) {
    backups.onFinished((row) => this.backupFinished(row));
  }

  /** Starts a release: its nine steps pending. 409 naming the open one while the instance has one. */
  async start(name: string, body: StartReleaseBody, actor: string): Promise<ReleaseView> {
    this.registry.get(name);
    const now = this.clock.now();
    const release = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`ella-ops:release:${name}`}, 0))`;
      const open = await tx.ellaRelease.findFirst({ where: { instance: name, status: { in: OPEN } } });
      if (open !== null) {
        throw new ConflictException(
          `release ${open.id} (${open.version}) of instance "${name}" is ${open.status === 'failed' ? 'stopped at a failed step' : 'in progress'}: finish or abort it first`,
        );
      }
      return tx.ellaRelease.create({
        data: {
          instance: name,
          version: body.version,
          notes: body.notes,
          expectedAlembicHead: body.expectedAlembicHead ?? null,
          downtimeMessage: body.downtimeMessage ?? `ELLA is down for an upgrade to ${body.version}.`,
          acceptanceMessage:
            body.acceptanceMessage ??
            `ELLA ${body.version} is being tested; please wait until the test is over.`,
          status: 'in_progress',
          createdBy: actor,
          createdAt: now,
          steps: { create: STEPS.map((step) => ({ number: step.number, status: 'pending' as const })) },
        },
        include: { steps: true },
      });
    });
    await this.audit.record(actor, {
      action: 'release.start',
      entityType: 'ella-release',
      entityId: `${name}/${release.id}`,
      after: { version: body.version, expectedAlembicHead: body.expectedAlembicHead ?? null },
      reason: body.reason ?? `release ${body.version}`,
    });
    return toReleaseView(await this.load(release.id));
  }

  async list(name: string): Promise<ReleaseView[]> {
    this.registry.get(name);
    const rows = await this.prisma.ellaRelease.findMany({
      where: { instance: name },
      include: { steps: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 50,
    });
    return rows.map(toReleaseView);
  }

  /** A release as it stands; a step 3 still `running` whose backup has ended is brought up to date. */
  async get(id: bigint): Promise<ReleaseView> {
    let release = await this.load(id);
    const step3 = release.steps.find((step) => step.number === 3);
    if (step3?.status === 'running' && step3.backupId !== null) {
      await this.backups.failStale();
      const backup = await this.prisma.ellaBackup.findUnique({ where: { id: step3.backupId } });
      if (backup !== null && backup.status !== 'running') {
        await this.backupFinished(backup);
        release = await this.load(id);
      }
    }
    return toReleaseView(release);
  }

  async act(
    id: bigint,
    number: number,
    action: StepAction,
    reason: string | undefined,
    actor: string,
  ): Promise<ReleaseView> {
    const definition = STEPS[number - 1];
    if (definition === undefined) throw badRequest('step', 'must be a step number, 1 to 9');
    if (action === 'skip' && reason === undefined) throw badRequest('reason', 'is required to skip a step');
    const release = await this.load(id);
    if (action !== 'skip' && !definition.actions.includes(action)) {
      throw badRequest(
        'action',
        `${titleOf(number)} is ${definition.actions.map((a) => (a === 'run' ? 'run' : 'confirmed')).join(' or ')}, not ${action === 'run' ? 'run' : 'confirmed'}`,
      );
    }
    if (number === 5 && action === 'run' && release.expectedAlembicHead === null) {
      throw badRequest(
        'action',
        `release ${id} names no expectedAlembicHead: an operator confirms step 5, and the head found is recorded`,
      );
    }
    const instance = this.registry.get(release.instance);
    const why = reason ?? `release ${release.version}: ${titleOf(number)}`;
    // A backup lost with a crashed app fails its step 3 (through the listener), which may then run again.
    if (number === 3) await this.backups.failStale();
    const claimed = await this.refusalsAudited(
      actor,
      `release.step.${action}`,
      `${release.instance}/${id}/${number}`,
      why,
      () => this.claim(release.id, number, action, reason, actor),
    );
    if (action === 'skip') {
      const step = number === STEPS.length ? await this.endBroadcastsOnSkip(release, why, actor) : claimed;
      await this.recordStep(release, number, 'skip', actor, why, step);
      return toReleaseView(await this.load(id));
    }
    let result: StepResult;
    try {
      result = await this.execute(instance, release, number, why, actor);
    } catch (error) {
      // A broadcast step keeps the id it recorded before ELLA's commit: run again, it keeps that broadcast.
      const output = number === 1 || number === 7 ? undefined : {};
      result = { status: 'failed', output, error: (error as Error).message };
    }
    const step = await this.finish(release, number, result);
    await this.recordStep(release, number, action, actor, why, step);
    if (result.status === 'running' && result.backupId !== undefined) {
      // The task may have ended the backup before its id was stored with the step (the listener then
      // found no step): end the step from the backup as it is now (a step already ended stays so).
      const backup = await this.prisma.ellaBackup.findUnique({ where: { id: result.backupId } });
      if (backup !== null) await this.backupFinished(backup);
    }
    return toReleaseView(await this.load(id));
  }

  /** Closes an open release (a failed one, or one given up), leaving ELLA as it is. */
  async abort(id: bigint, reason: string, actor: string): Promise<ReleaseView> {
    const { instance } = await this.load(id);
    const release = await this.refusalsAudited(actor, 'release.abort', `${instance}/${id}`, reason, () =>
      this.prisma.$transaction(async (tx) => {
        const locked = await this.lock(tx, id);
        if (!OPEN.includes(locked.status)) {
          throw new ConflictException(
            `release ${id} is ${locked.status}: only an open release can be aborted`,
          );
        }
        return tx.ellaRelease.update({
          where: { id },
          data: { status: 'aborted', finishedAt: this.clock.now(), abortedBy: actor, abortReason: reason },
        });
      }),
    );
    await this.audit.record(actor, {
      action: 'release.abort',
      entityType: 'ella-release',
      entityId: `${release.instance}/${id}`,
      after: { status: 'aborted' },
      reason,
    });
    return toReleaseView(await this.load(id));
  }

  /** Runs `work`; a refusal (409: out of order, running, done, over) is audited, then thrown. */
  private async refusalsAudited<T>(
    actor: string,
    action: string,
    entityId: string,
    reason: string,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ConflictException) {
        await this.audit.record(actor, {
          action,
          entityType: 'ella-release',
          entityId,
          after: { outcome: 'refused', message: error.message },
          reason,
        });
      }
      throw error;
    }
  }

  private async load(id: bigint): Promise<ReleaseWithSteps> {
    const release = await this.prisma.ellaRelease.findUnique({ where: { id }, include: { steps: true } });
    if (release === null) throw new NotFoundException(`there is no release ${id}`);
    return release;
  }

  /** The release row, locked for this transaction (FOR UPDATE): actions on one release go one at a time. */
  private async lock(tx: PrismaTx, id: bigint): Promise<{ instance: string; status: EllaRelease['status'] }> {
    const rows = await tx.$queryRaw<{ instance: string; status: EllaRelease['status'] }[]>`
      SELECT instance, status::text AS status FROM "ella_ops"."release" WHERE id = ${id} FOR UPDATE`;
    const row = rows[0];
    if (row === undefined) throw new NotFoundException(`there is no release ${id}`);
    return row;
  }

  /**
   * Takes the step for this action, under the release's row lock: the release is open, the step before
   * it done or skipped, the step itself pending or failed. A run or confirm makes it `running`; a skip
   * makes it `skipped` at once (and the release completed when it was step 9).
   */
  private async claim(
    id: bigint,
    number: number,
    action: StepAction,
    reason: string | undefined,
    actor: string,
  ): Promise<EllaReleaseStep> {
    return this.prisma.$transaction(async (tx) => {
      const release = await this.lock(tx, id);
      if (!OPEN.includes(release.status)) throw new ConflictException(`release ${id} is ${release.status}`);
      const steps = await tx.ellaReleaseStep.findMany({
        where: { releaseId: id },
        orderBy: { number: 'asc' },
      });
      const previous = steps.find((step) => step.number === number - 1);
      if (previous !== undefined && previous.status !== 'done' && previous.status !== 'skipped') {
        throw new ConflictException(
          `${titleOf(number)} comes after ${titleOf(previous.number)}, which is ${previous.status}`,
        );
      }
      const step = steps.find((s) => s.number === number);
      if (step === undefined) throw new NotFoundException(`release ${id} has no step ${number}`);
      const now = this.clock.now();
      const interrupted =
        step.status === 'running' &&
        step.backupId === null &&
        step.startedAt !== null &&
        now.getTime() - step.startedAt.getTime() > STEP_INTERRUPTED_AFTER_MS;
      if (step.status === 'running' && !interrupted) {
        const backup =
          step.backupId === null ? null : await tx.ellaBackup.findUnique({ where: { id: step.backupId } });
        throw new ConflictException(
          `${titleOf(number)} is running${backup === null ? '' : `: backup ${backup.id} is ${backup.status}`}`,
        );
      }
      if (step.status === 'done' || step.status === 'skipped') {
        throw new ConflictException(`${titleOf(number)} is already ${step.status}`);
      }
      const claimed = await tx.ellaReleaseStep.update({
        where: { releaseId_number: { releaseId: id, number } },
        data:
          action === 'skip'
            ? {
                status: 'skipped',
                action,
                actor,
                reason: reason ?? null,
                startedAt: now,
                finishedAt: now,
                error: null,
              }
            : {
                status: 'running',
                action,
                actor,
                reason: reason ?? null,
                startedAt: now,
                finishedAt: null,
                error: null,
                backupId: null, // step 3 run again: its earlier backup is not this run's
                attempts: { increment: 1 },
              },
      });
      const over = action === 'skip' && number === STEPS.length;
      await tx.ellaRelease.update({
        where: { id },
        data: over ? { status: 'completed', finishedAt: now } : { status: 'in_progress' },
      });
      return claimed;
    });
  }

  /** Does the step's work. A thrown error is the step's failure (its message the step's error). */
  private async execute(
    instance: EllaInstance,
    release: ReleaseWithSteps,
    number: number,
    why: string,
    actor: string,
  ): Promise<StepResult> {
    const name = instance.name;
    const via = `release ${release.id} step ${number}`;
    const outputOf = (n: number) =>
      (release.steps.find((s) => s.number === n)?.output ?? {}) as Record<string, unknown>;
    switch (number) {
      case 1: {
        const posted = await this.broadcasts.postOnce(
          name,
          release.id,
          1,
          release.downtimeMessage,
          why,
          actor,
        );
        return { status: 'done', output: { ...posted } };
      }
      case 2: {
        const stopped = await this.processes.actOnInstance(name, 'stop', { reason: why }, actor, via);
        const states = Object.fromEntries(stopped.programs.map((p) => [p.name, p.state]));
        const still = stopped.programs.filter((p) => ACTIVE_STATES.has(p.state));
        return still.length === 0
          ? { status: 'done', output: { programs: states } }
          : {
              status: 'failed',
              output: { programs: states },
              error: `still running: ${still.map((p) => `${p.name} (${p.state})`).join(', ')}`,
            };
      }
      case 3: {
        const backup = await this.backups.start(name, why, actor);
        return {
          status: 'running',
          output: { backupId: backup.id.toString(), object: backup.object, status: backup.status },
          backupId: backup.id,
        };
      }
      case 4:
      case 8:
        return { status: 'done', output: { confirmed: true } };
      case 5: {
        const rows = await this.databases.query<{ version_num: string }>(
          instance,
          'SELECT version_num FROM alembic_version ORDER BY version_num',
        );
        const heads = rows.map((row) => row.version_num);
        const expected = release.expectedAlembicHead;
        const output = { heads, expected };
        if (expected === null) return { status: 'done', output };
        return heads.length === 1 && heads[0] === expected
          ? { status: 'done', output }
          : {
              status: 'failed',
              output,
              error: `alembic_version is ${heads.length === 0 ? 'empty' : heads.join(', ')}, not the expected head ${expected}`,
            };
      }
      case 6: {
        const started = await this.processes.actOnInstance(name, 'start', { reason: why }, actor, via);
        const states = Object.fromEntries(started.programs.map((p) => [p.name, p.state]));
        const down = started.programs.filter((p) => p.state !== 'RUNNING');
        return down.length === 0
          ? { status: 'done', output: { programs: states } }
          : {
              status: 'failed',
              output: { programs: states, results: started.results },
              error: `not running: ${down.map((p) => `${p.name} (${p.state})`).join(', ')}`,
            };
      }
      case 7: {
        const ended = await this.broadcasts.end(name, [outputOf(1).broadcastId], why, actor);
        const posted = await this.broadcasts.postOnce(
          name,
          release.id,
          7,
          release.acceptanceMessage,
          why,
          actor,
        );
        return { status: 'done', output: { ...posted, broadcastsEnded: ended } };
      }
      case 9: {
        const ended = await this.broadcasts.end(
          name,
          [outputOf(7).broadcastId, outputOf(1).broadcastId],
          why,
          actor,
        );
        return {
          status: 'done',
          output: { broadcastsEnded: ended, emailedTo: this.config.RELEASE_NOTIFY_EMAILS.length },
        };
      }
      default:
        throw new Error(`no step ${number}`);
    }
  }

  /**
   * Step 9 skipped: the release is over all the same, so its broadcasts (steps 1 and 7) still end; the
   * skip's output says which ended, or why they could not be (then they are for an operator to end).
   */
  private async endBroadcastsOnSkip(
    release: ReleaseWithSteps,
    why: string,
    actor: string,
  ): Promise<EllaReleaseStep> {
    const outputOf = (n: number) =>
      (release.steps.find((s) => s.number === n)?.output ?? {}) as Record<string, unknown>;
    let output: Record<string, unknown>;
    try {
      const ended = await this.broadcasts.end(
        release.instance,
        [outputOf(7).broadcastId, outputOf(1).broadcastId],
        why,
        actor,
      );
      output = { broadcastsEnded: ended };
    } catch (error) {
      output = { broadcastsNotEnded: (error as Error).message };
    }
    return this.prisma.ellaReleaseStep.update({
      where: { releaseId_number: { releaseId: release.id, number: STEPS.length } },
      data: { output: output as Prisma.InputJsonValue },
    });
  }

  /**
   * Records how the step ended: done, failed (the release stops: `failed`), or still running (step 3).
   * Step 9 done completes the release and queues the users' email in the same transaction. Under the
   * release's row lock, and only while the release is still open: a step that ends after an abort is
   * recorded, but leaves the release aborted (no completion, no email).
   */
  private async finish(
    release: ReleaseWithSteps,
    number: number,
    result: StepResult,
  ): Promise<EllaReleaseStep> {
    const now = this.clock.now();
    return this.prisma.$transaction(async (tx) => {
      const step = await tx.ellaReleaseStep.update({
        where: { releaseId_number: { releaseId: release.id, number } },
        data: {
          status: result.status,
          ...(result.output === undefined ? {} : { output: result.output as Prisma.InputJsonValue }),
          error: result.error?.slice(0, 4000) ?? null,
          finishedAt: result.status === 'running' ? null : now,
          ...(result.backupId === undefined ? {} : { backupId: result.backupId }),
        },
      });
      const { status } = await this.lock(tx, release.id);
      if (!OPEN.includes(status)) return step;
      if (result.status === 'failed') {
        await tx.ellaRelease.update({ where: { id: release.id }, data: { status: 'failed' } });
      } else if (result.status === 'done' && number === STEPS.length) {
        await tx.ellaRelease.update({
          where: { id: release.id },
          data: { status: 'completed', finishedAt: now },
        });
        await this.emailUsers(release, tx);
      }
      return step;
    });
  }

  private async emailUsers(release: ReleaseWithSteps, tx: PrismaTx): Promise<void> {
    const to = this.config.RELEASE_NOTIFY_EMAILS;
    if (to.length === 0) return;
    const instance = this.registry.get(release.instance);
    const notes = release.notes.trim() === '' ? '' : `\n\nWhat is new:\n\n${release.notes.trim()}`;
    await this.outbox.sendEmail(
      {
        to,
        subject: `ELLA ${release.version} is available`,
        text: `ELLA (${instance.ellaUrl}) now runs version ${release.version}, and is open again.${notes}`,
        dedupeKey: `ella-ops:release:${release.id}:released`,
      },
      tx,
    );
  }

  /** The backup task ended a backup: the step 3 waiting for it is done (verified) or failed. */
  private async backupFinished(backup: EllaBackup): Promise<void> {
    if (backup.status === 'running') return;
    const steps = await this.prisma.ellaReleaseStep.findMany({
      where: { backupId: backup.id, number: 3, status: 'running' },
      include: { release: { include: { steps: true } } },
    });
    for (const step of steps) {
      const verified = backup.status === 'verified';
      const output = {
        backupId: backup.id.toString(),
        object: backup.object,
        status: backup.status,
        sizeBytes: backup.sizeBytes === null ? null : Number(backup.sizeBytes),
        sha256: backup.sha256,
      };
      const result: StepResult = {
        status: verified ? 'done' : 'failed',
        output,
        ...(verified ? {} : { error: `backup ${backup.id} ${backup.status}: ${backup.error ?? ''}` }),
      };
      // Only a step still running is ended (a second call, from a read racing the task, changes nothing).
      const ended = await this.prisma.ellaReleaseStep.updateMany({
        where: { releaseId: step.releaseId, number: 3, status: 'running', backupId: backup.id },
        data: {
          status: result.status,
          output,
          error: result.error ?? null,
          finishedAt: this.clock.now(),
        },
      });
      if (ended.count === 0) continue;
      if (!verified && OPEN.includes(step.release.status)) {
        await this.prisma.ellaRelease.update({ where: { id: step.releaseId }, data: { status: 'failed' } });
      }
      await this.audit.record(step.actor ?? backup.createdBy, {
        action: `release.step.${result.status}`,
        entityType: 'ella-release',
        entityId: `${step.release.instance}/${step.releaseId}/3`,
        after: { step: 3, status: result.status, output, error: result.error ?? null },
        reason: step.reason ?? `release ${step.release.version}: ${titleOf(3)}`,
      });
    }
  }

  private async recordStep(
    release: ReleaseWithSteps,
    number: number,
    action: StepAction,
    actor: string,
    why: string,
    step: EllaReleaseStep,
  ): Promise<void> {
    await this.audit.record(actor, {
      action: `release.step.${action}`,
      entityType: 'ella-release',
      entityId: `${release.instance}/${release.id}/${number}`,
      after: { step: number, status: step.status, output: step.output, error: step.error },
      reason: why,
    });
  }
}
