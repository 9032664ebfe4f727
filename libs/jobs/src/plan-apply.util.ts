import type { JobContext, JobOutcome } from './job.types.js';
import { checkSafetyLimits, type SafetyLimits } from './safety.util.js';

export interface PlanApplySteps<P, A> {
  /** Reads everything and decides; must not change anything. */
  plan(): Promise<P>;
  /** Number of changes the plan would make, and how many items it considered (for the ratio). */
  size(plan: P): { changes: number; considered: number };
  limits: SafetyLimits;
  /** Changes the world; called only when the limits allow and the run is not a dry run. */
  apply(plan: P): Promise<A>;
  /** The summary stored on the run: the plan's figures and, when applied, what happened. */
  describe(plan: P, applied: A | undefined): Record<string, unknown>;
  /** Called when the limits refuse the plan (notify operators). */
  onRefused?(plan: P, reason: string): Promise<void>;
}

/**
 * plan -> safety limit -> apply. A dry run goes through the same planning and the same limit check,
 * and stops before apply; a plan over a limit is refused whole: nothing is applied.
 */
export async function planThenApply<P, A>(ctx: JobContext, steps: PlanApplySteps<P, A>): Promise<JobOutcome> {
  const plan = await steps.plan();
  const { changes, considered } = steps.size(plan);
  const verdict = checkSafetyLimits(changes, considered, steps.limits);
  if (!verdict.allowed) {
    if (!ctx.dryRun) await steps.onRefused?.(plan, verdict.reason);
    return {
      status: 'refused',
      summary: { ...steps.describe(plan, undefined), refusedBecause: verdict.reason },
      error: verdict.reason,
    };
  }
  if (ctx.dryRun)
    return { status: 'succeeded', summary: { ...steps.describe(plan, undefined), dryRun: true } };
  ctx.assertLockHeld();
  const applied = await steps.apply(plan);
  return { status: 'succeeded', summary: steps.describe(plan, applied) };
}
