import { Inject, Injectable } from '@nestjs/common';
import { createLimiter } from '@app/http';
import {
  type ApplyEnding,
  type Approval,
  type AuditInput,
  type JobContext,
  opsEmails,
  type SyncApplier,
  type SyncDefinition,
  type SyncEnding,
  type SyncOutcome,
  type SyncRun,
  SyncRunner,
} from '@app/jobs';
import { EmailOutbox } from '@app/notifications';
import { BookerClient } from '../booker/booker.client.js';
import { ESSM_CONFIG, type EssmSyncConfig } from '../config.js';
import { SyncedRoomRepository } from './synced-room.repository.js';
import { TermTimeClient, TermTimeError } from '../termtime/termtime.client.js';
import type { TermTimeCampus } from '../termtime/termtime.types.js';
import {
  planRooms,
  type RoomChange,
  roomChangeKey,
  type RoomsPlan,
  type RoomsPlanInput,
  roomsRefusal,
} from './rooms-plan.util.js';

export const SYNC_ROOMS_JOB = 'sync-rooms';
/** TermTime writes in flight at once. */
const TERMTIME_CONCURRENCY = 4;
const LISTED = 500;

export interface RoomsSnapshot extends RoomsPlanInput {
  calls: { termtime: number; booker: number };
}

/** The rooms plan with what the run read, for its summary. */
export interface RoomsDecision extends RoomsPlan {
  context: Pick<RoomsRunSummary, 'campus' | 'read' | 'calls'>;
}

export function decideRooms(snapshot: RoomsSnapshot): RoomsDecision {
  return {
    ...planRooms(snapshot),
    context: {
      campus: snapshot.campus,
      read: {
        bookerBuildings: snapshot.bookerBuildings.length,
        bookerRooms: snapshot.bookerRooms.length,
        termtimeBuildings: snapshot.termtimeBuildings.length,
        termtimeRooms: snapshot.termtimeRooms.length,
      },
      calls: snapshot.calls,
    },
  };
}

export interface RoomFailure {
  kind: RoomChange['kind'];
  code: string;
  status?: number;
  termtimeCode?: number;
  message: string;
}

export interface RoomsApplied {
  applied: number;
  failed: number;
  notAttempted: number;
  failures: RoomFailure[];
  calls: { termtime: number };
  aborted?: string;
}

interface RoomsApplyState {
  applied: RoomsApplied;
  total: number;
  sent: number;
  callsBefore: number;
  note: string;
}

export interface RoomsRunSummary {
  campus: TermTimeCampus;
  read: { bookerBuildings: number; bookerRooms: number; termtimeBuildings: number; termtimeRooms: number };
  calls: { termtime: number; booker: number };
  plan: RoomsPlan['counts'];
  changes: RoomChange[];
  changesNotListed: number;
  skipped: RoomsPlan['skipped'];
  limits: { roomsMaxDelete: number } | null;
  approval?: SyncRun<RoomsDecision, RoomChange>['approval'];
  applied?: Omit<RoomsApplied, 'failures'>;
  failures?: RoomFailure[];
  ending: SyncEnding;
}

function briefly(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (
    message
      .split('\n')
      .filter((line) => line.trim() !== '')
      .at(-1)
      ?.slice(0, 300) ?? message
  );
}

function auditOf(change: RoomChange, note: string): AuditInput {
  const entityType = change.kind.endsWith('building')
    ? 'termtime_building'
    : change.kind.endsWith('floor')
      ? 'termtime_floor'
      : 'termtime_room';
  return {
    action: `essm.${change.kind}`,
    entityType,
    entityId: change.code,
    ...(change.kind === 'update_building' ? { before: change.before } : {}),
    after: change.kind === 'mark_room' ? { toDelete: true } : change.input,
    reason:
      (change.kind === 'mark_room'
        ? change.why === 'not_bookable'
          ? 'the room is no longer bookable in Booker'
          : 'the room is gone from Booker'
        : change.kind === 'update_room'
          ? `changed in Booker: ${change.changed.join(', ')}`
          : 'in Booker, not in TermTime') + note,
  };
}

/**
 * sync-rooms on the sync runner: Booker's buildings and rooms (and TermTime's) read whole, the
 * rooms plan, ROOMS_MAX_DELETE as the refusal rule, then the TermTime writes in the plan's order
 * (buildings, floors, rooms, marks). A refused run can be approved like sync-events.
 */
@Injectable()
export class RoomsSyncService implements SyncApplier<RoomsDecision, RoomChange, RoomsApplyState> {
  readonly definition: SyncDefinition<
    RoomsSnapshot,
    RoomsDecision,
    RoomChange,
    RoomsApplyState,
    RoomsRunSummary
  >;
  readonly batchSize = 100;

  constructor(
    private readonly runner: SyncRunner,
    private readonly termtime: TermTimeClient,
    private readonly booker: BookerClient,
    private readonly repository: SyncedRoomRepository,
    outbox: EmailOutbox,
    @Inject(ESSM_CONFIG) private readonly config: EssmSyncConfig,
  ) {
    this.definition = {
      read: () => this.read(),
      plan: (snapshot) => Promise.resolve(decideRooms(snapshot)),
      changes: (plan) => plan.changes,
      considered: (plan) => Math.max(1, plan.counts.bookerRooms + plan.counts.bookerBuildings),
      limits: {},
      refusal: (plan) => roomsRefusal(plan, config.ROOMS_MAX_DELETE),
      // An operator's approval goes past these limits as it does past the change ratio.
      refusalApprovable: true,
      changeKey: roomChangeKey,
      apply: this,
      describe: (run, applied, ending) => this.describe(run, applied?.applied, ending),
      notifier: opsEmails(outbox, config.OPS_EMAIL, {
        refused: (run, reason) => ({
          subject: `essm-sync: sync-rooms refused (${reason.slice(0, 80)})`,
          text:
            `sync-rooms run ${run.runId} was refused and changed nothing in TermTime: ${reason}.\n\n` +
            `Rooms to mark for deletion: ${run.changes
              .filter((c) => c.kind === 'mark_room')
              .map((c) => c.code)
              .join(', ')}\n\n` +
            `If this is expected, an operator can approve it: POST /runs/${run.runId}/approve (?dry_run=1 to preview).`,
        }),
        failed: (runId, error) => ({
          subject: 'essm-sync: sync-rooms failed',
          text: `sync-rooms run ${runId} failed: ${error}\n\nDetails: GET /runs/${runId}.`,
        }),
      }),
      approvalAuditAction: 'essm.sync_rooms.approved',
    };
  }

  run(ctx: JobContext): Promise<SyncOutcome<RoomsRunSummary>> {
    return this.runner.run(ctx, this.definition);
  }

  runApproved(ctx: JobContext, approval: Approval): Promise<SyncOutcome<RoomsRunSummary>> {
    return this.runner.run(ctx, this.definition, approval);
  }

  private async read(): Promise<RoomsSnapshot> {
    const before = { termtime: this.termtime.calls, booker: this.booker.calls };
    const [bookerBuildings, bookerRooms, termtimeBuildings, termtimeRooms, campuses, knownRoomCodes] =
      await Promise.all([
        this.booker.listBuildings(),
        this.booker.listRooms(),
        this.termtime.listBuildings(),
        this.termtime.listRooms(),
        this.termtime.listCampuses(),
        this.repository.knownRoomCodes(),
      ]);
    const wanted = this.config.TERMTIME_CAMPUS;
    const campus =
      campuses.find((candidate) => candidate.code === wanted) ??
      campuses.find((candidate) => candidate.name === wanted);
    if (campus === undefined) {
      throw new Error(`TERMTIME_CAMPUS names a campus TermTime does not have (by code or name)`);
    }
    return {
      bookerBuildings,
      bookerRooms,
      termtimeBuildings,
      termtimeRooms,
      campus,
      knownRoomCodes,
      defaultFloor: this.config.TERMTIME_DEFAULT_FLOOR,
      defaultDepartment: this.config.TERMTIME_DEFAULT_DEPARTMENT,
      capacityType: this.config.TERMTIME_CAPACITY_TYPE,
      calls: { termtime: this.termtime.calls - before.termtime, booker: this.booker.calls - before.booker },
    };
  }

  private describe(
    run: SyncRun<RoomsDecision, RoomChange>,
    applied: RoomsApplied | undefined,
    ending: SyncEnding,
  ): RoomsRunSummary {
    const { plan } = run;
    const summary: RoomsRunSummary = {
      ...plan.context,
      plan: plan.counts,
      changes: run.changes.slice(0, LISTED),
      changesNotListed: Math.max(0, run.changes.length - LISTED),
      skipped: plan.skipped,
      limits: run.limits === null ? null : { roomsMaxDelete: this.config.ROOMS_MAX_DELETE },
      ending,
    };
    if (run.approval !== undefined) summary.approval = run.approval;
    if (applied !== undefined) {
      const { failures, ...rest } = applied;
      summary.applied = rest;
      summary.failures = failures.slice(0, LISTED);
    }
    return summary;
  }

  // The applier.

  start(_ctx: JobContext, run: SyncRun<RoomsDecision, RoomChange>): RoomsApplyState {
    const { approval } = run;
    return {
      applied: { applied: 0, failed: 0, notAttempted: 0, failures: [], calls: { termtime: 0 } },
      total: run.changes.length,
      sent: 0,
      callsBefore: this.termtime.calls,
      note:
        approval === undefined
          ? ''
          : `; approved by ${approval.approvedBy} (refused run ${approval.refusedRunId})`,
    };
  }

  async begin(ctx: JobContext, run: SyncRun<RoomsDecision, RoomChange>): Promise<string | undefined> {
    try {
      await this.repository.rememberRooms(ctx.runId, run.plan.seenRoomCodes, new Date());
    } catch (error) {
      return `the database failed while recording Booker's rooms: ${briefly(error)}`;
    }
    return undefined;
  }

  async applyBatch(
    ctx: JobContext,
    batch: RoomChange[],
    state: RoomsApplyState,
  ): Promise<string | undefined> {
    const limiter = createLimiter(TERMTIME_CONCURRENCY);
    const audits: AuditInput[] = [];
    let stop: string | undefined;
    const kinds = [...new Set(batch.map((change) => change.kind))];
    for (const kind of kinds) {
      await Promise.all(
        batch
          .filter((change) => change.kind === kind)
          .map((change) =>
            limiter.run(async () => {
              if (stop !== undefined) return;
              state.sent += 1;
              try {
                await this.send(change);
                state.applied.applied += 1;
                audits.push(auditOf(change, state.note));
              } catch (error) {
                state.applied.failed += 1;
                const failure: RoomFailure = {
                  kind: change.kind,
                  code: change.code,
                  message: briefly(error),
                };
                if (error instanceof TermTimeError) {
                  if (error.status !== undefined) failure.status = error.status;
                  if (error.code !== undefined) failure.termtimeCode = error.code;
                  if (error.isAuthFailure) stop ??= `TermTime refused our API key: ${failure.message}`;
                }
                state.applied.failures.push(failure);
              }
            }),
          ),
      );
      if (stop !== undefined) break;
    }
    try {
      if (audits.length > 0) await ctx.auditMany(audits);
    } catch (error) {
      return `the database failed while auditing TermTime's changes: ${briefly(error)}`;
    }
    return stop;
  }

  end(state: RoomsApplyState, ending: ApplyEnding): void {
    if (ending.stoppedBecause !== undefined) state.applied.aborted = ending.stoppedBecause;
    state.applied.notAttempted = state.total - state.sent;
    state.applied.calls.termtime = this.termtime.calls - state.callsBefore;
  }

  failure(state: RoomsApplyState): string | undefined {
    return state.applied.aborted;
  }

  private send(change: RoomChange): Promise<void> {
    switch (change.kind) {
      case 'create_building':
        return this.termtime.createBuilding(change.input);
      case 'update_building':
        return this.termtime.updateBuilding(change.code, change.input);
      case 'create_floor':
        return this.termtime.createFloor(change.input);
      case 'create_room':
        return this.termtime.createRoom(change.input);
      case 'update_room':
        return this.termtime.updateRoom(change.code, change.input);
      case 'mark_room':
        return this.termtime.markRoomForDeletion(change.code);
    }
  }
}
