import { ConflictException, Injectable } from '@nestjs/common';
import { EllaAudit } from '../audit/ella-audit.js';
import { InstanceRegistry } from '../instances/instance-registry.js';
import type { EllaInstance } from '../instances/instance.types.js';
import { SupervisorClients } from '../supervisor/supervisor-clients.js';
import { SupervisorFaultError, SupervisorUnreachableError } from '../supervisor/supervisor.errors.js';
import { toHttpError } from '../supervisor/supervisor-http.util.js';
import { FAULTS, type ProcessResult } from '../supervisor/supervisor.types.js';
import { checkFailover, type PartnerState } from './failover.util.js';
import { type ActionBody, type ProcessesView, type ProgramView, toProgramView } from './process.types.js';

export type ProgramAction = 'start' | 'stop' | 'restart';
export type InstanceAction = 'start' | 'stop';

export interface ProgramActionResult {
  instance: string;
  program: string;
  action: ProgramAction;
  state: string;
  /** Partners that could not be asked, when the operator said they are down. */
  partnerDown: string[];
}

export interface InstanceActionResult {
  instance: string;
  action: InstanceAction;
  results: { name: string; status: number; description: string }[];
  programs: ProgramView[];
  partnerDown: string[];
}

/**
 * supervisord's programs on every instance: read them, start, stop and restart one or all, the
 * failover rule, and the audit trail (done, refused and failed alike, each with its reason).
 */
@Injectable()
export class ProcessesService {
  /** The last start in turn per primary/failover pair (by the primary's name): see startsInTurn. */
  private readonly pairTurns = new Map<string, Promise<void>>();

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly clients: SupervisorClients,
    private readonly audit: EllaAudit,
  ) {}

  async list(name: string): Promise<ProcessesView> {
    const instance = this.registry.get(name);
    const client = this.clients.for(instance);
    try {
      const [state, programs] = await Promise.all([client.getState(), client.getAllProcessInfo()]);
      return {
        instance: name,
        supervisor: { state: state.statename },
        programs: programs.map(toProgramView),
      };
    } catch (error) {
      throw toHttpError(error);
    }
  }

  async tail(
    name: string,
    program: string,
    bytes: number,
  ): Promise<{ program: string; text: string; overflow: boolean }> {
    const instance = this.registry.get(name);
    try {
      const tail = await this.clients.for(instance).tailStdoutLog(program, bytes);
      return { program, text: tail.text, overflow: tail.overflow };
    } catch (error) {
      throw toHttpError(error);
    }
  }

  async actOnProgram(
    name: string,
    program: string,
    action: ProgramAction,
    body: ActionBody,
    actor: string,
  ): Promise<ProgramActionResult> {
    const instance = this.registry.get(name);
    return this.startsInTurn(instance, action, () =>
      this.programAction(instance, program, action, body, actor),
    );
  }

  private async programAction(
    instance: EllaInstance,
    program: string,
    action: ProgramAction,
    body: ActionBody,
    actor: string,
  ): Promise<ProgramActionResult> {
    const name = instance.name;
    const client = this.clients.for(instance);
    const entity = { entityType: 'ella-program', entityId: `${name}/${program}`, reason: body.reason };
    const auditAction = `program.${action}`;
    let before: string | undefined;
    try {
      before = (await client.getProcessInfo(program)).statename;
      const partnerDown =
        action === 'stop' ? [] : await this.failoverAllows(instance, body, actor, auditAction, entity);
      if (action === 'restart') await ignoring(FAULTS.NOT_RUNNING, () => client.stopProcess(program));
      if (action === 'stop') await client.stopProcess(program);
      else await client.startProcess(program);
      const after = (await client.getProcessInfo(program)).statename;
      await this.audit.record(actor, {
        ...entity,
        action: auditAction,
        before: { state: before },
        after: { state: after, partnerDown },
      });
      return { instance: name, program, action, state: after, partnerDown };
    } catch (error) {
      if (!(error instanceof RefusedError)) {
        await this.audit.record(actor, {
          ...entity,
          action: auditAction,
          before: before === undefined ? undefined : { state: before },
          after: { outcome: 'failed', error: (error as Error).message },
        });
      }
      throw toHttpError(error instanceof RefusedError ? error.http : error);
    }
  }

  /**
   * Starts or stops every program. `via` names what did it when it is not an operator's own action
   * (`release 12 step 2`): kept in the audit row, so that the monitor tells a release's stop from an
   * operator's.
   */
  async actOnInstance(
    name: string,
    action: InstanceAction,
    body: ActionBody,
    actor: string,
    via?: string,
  ): Promise<InstanceActionResult> {
    const instance = this.registry.get(name);
    return this.startsInTurn(instance, action, () => this.instanceAction(instance, action, body, actor, via));
  }

  private async instanceAction(
    instance: EllaInstance,
    action: InstanceAction,
    body: ActionBody,
    actor: string,
    via?: string,
  ): Promise<InstanceActionResult> {
    const name = instance.name;
    const client = this.clients.for(instance);
    const entity = { entityType: 'ella-instance', entityId: name, reason: body.reason };
    const auditAction = `instance.${action}`;
    let before: ProgramView[] | undefined;
    try {
      before = (await client.getAllProcessInfo()).map(toProgramView);
      const partnerDown =
        action === 'stop' ? [] : await this.failoverAllows(instance, body, actor, auditAction, entity);
      const results: ProcessResult[] =
        action === 'start' ? await client.startAllProcesses() : await client.stopAllProcesses();
      const programs = (await client.getAllProcessInfo()).map(toProgramView);
      const states = (views: ProgramView[]) => Object.fromEntries(views.map((p) => [p.name, p.state]));
      await this.audit.record(actor, {
        ...entity,
        action: auditAction,
        before: { states: states(before) },
        after: { states: states(programs), results, partnerDown, ...(via === undefined ? {} : { via }) },
      });
      return {
        instance: name,
        action,
        results: results.map((r) => ({ name: r.name, status: r.status, description: r.description })),
        programs,
        partnerDown,
      };
    } catch (error) {
      if (!(error instanceof RefusedError)) {
        await this.audit.record(actor, {
          ...entity,
          action: auditAction,
          after: {
            outcome: 'failed',
            error: (error as Error).message,
            ...(via === undefined ? {} : { via }),
          },
        });
      }
      throw toHttpError(error instanceof RefusedError ? error.http : error);
    }
  }

  /**
   * A start (or restart) on a primary or on its failover waits for any other start on that pair to
   * finish, so that the failover check and the start it allows are one step: two operators starting
   * ELLA on both sides at once cannot both pass the check (the second sees the first's programs). The
   * app runs as one instance (Terraform: max_instances 1), so a lock in the process is enough. Stops,
   * and instances without a partner, go at once.
   */
  private async startsInTurn<T>(instance: EllaInstance, action: string, work: () => Promise<T>): Promise<T> {
    const pair = instance.role === 'failover' ? instance.primary : instance.name;
    if (action === 'stop' || pair === undefined || this.registry.partnersOf(instance).length === 0)
      return work();
    const before = this.pairTurns.get(pair) ?? Promise.resolve();
    const turn = before.then(work);
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.pairTurns.set(pair, settled);
    try {
      return await turn;
    } finally {
      if (this.pairTurns.get(pair) === settled) this.pairTurns.delete(pair);
    }
  }

  /** Applies the failover rule before a start; a refusal is audited and thrown as a 409. */
  private async failoverAllows(
    instance: EllaInstance,
    body: ActionBody,
    actor: string,
    action: string,
    entity: { entityType: string; entityId: string; reason: string },
  ): Promise<string[]> {
    const partners = await Promise.all(this.registry.partnersOf(instance).map((p) => this.partnerState(p)));
    const verdict = checkFailover(instance, partners, body.partnerDown === true);
    if (verdict.allowed) return verdict.partnerDown;
    await this.audit.record(actor, {
      ...entity,
      action,
      after: { outcome: 'refused', message: verdict.message },
    });
    throw new RefusedError(new ConflictException(verdict.message));
  }

  private async partnerState(instance: EllaInstance): Promise<PartnerState> {
    try {
      return { instance, reachable: true, programs: await this.clients.for(instance).getAllProcessInfo() };
    } catch (error) {
      if (error instanceof SupervisorUnreachableError)
        return { instance, reachable: false, reason: error.reason };
      if (error instanceof SupervisorFaultError)
        return { instance, reachable: false, reason: error.faultString };
      throw error;
    }
  }
}

/** A refusal already audited: the controller answers `http`. */
class RefusedError extends Error {
  constructor(readonly http: ConflictException) {
    super(http.message);
  }
}

async function ignoring(faultCode: number, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof SupervisorFaultError && error.faultCode === faultCode)) throw error;
  }
}
