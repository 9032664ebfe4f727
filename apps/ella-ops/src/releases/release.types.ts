import { z } from 'zod';
import type { EllaRelease, EllaReleaseStep } from '@app/db';
import { reasonSchema } from '../processes/process.types.js';

export type StepAction = 'run' | 'confirm' | 'skip';

export interface StepDefinition {
  number: number;
  key: string;
  title: string;
  /** How the step is done: `run` (the gateway does it), `confirm` (an operator says it is done); any step may be skipped with a reason. */
  actions: readonly ('run' | 'confirm')[];
}

/** The release runbook, in order: a step may be acted on once the one before it is done or skipped. */
export const STEPS: readonly StepDefinition[] = [
  { number: 1, key: 'downtime-broadcast', title: 'Broadcast the downtime', actions: ['run'] },
  { number: 2, key: 'stop', title: 'Stop ELLA', actions: ['run'] },
  { number: 3, key: 'backup', title: 'Back up the database (verified)', actions: ['run'] },
  { number: 4, key: 'switch-image', title: 'Switch to the new image (on the VM)', actions: ['confirm'] },
  { number: 5, key: 'migrate', title: 'Migrate the database (alembic head)', actions: ['run', 'confirm'] },
  { number: 6, key: 'start', title: 'Start ELLA (every program RUNNING)', actions: ['run'] },
  { number: 7, key: 'acceptance-broadcast', title: 'Broadcast the acceptance test', actions: ['run'] },
  {
    number: 8,
    key: 'acceptance-test',
    title: 'Acceptance test passed (an operator confirms)',
    actions: ['confirm'],
  },
  { number: 9, key: 'finish', title: 'Remove the broadcast and email the users', actions: ['run'] },
];

const text = (max: number) =>
  z
    .string('must be text')
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/\p{Cc}/u.test(value), 'must not hold control characters (line breaks, tabs...)');

export const startReleaseSchema = z.strictObject({
  /** ELLA's version: `1.18.0`, `v1.18.0-rc1`. */
  version: z
    .string('must be text')
    .regex(/^[0-9A-Za-z][0-9A-Za-z._+-]{0,49}$/, 'must be a version (letters, digits, . _ + -; at most 50)'),
  /** What the release brings: in the users' email (step 9). Line breaks allowed. */
  notes: z
    .string('must be text')
    .max(10_000, 'must be at most 10000 characters')
    .refine(
      (value) => ![...value].some((c) => /\p{Cc}/u.test(c) && !'\n\r\t'.includes(c)),
      'must not hold control characters other than line breaks and tabs',
    )
    .default(''),
  /**
   * The alembic revision the new version's migrations end at. Given: step 5 checks ELLA's
   * `alembic_version` against it (run or confirm). Not given: step 5 is confirmed by an operator, and
   * the head found is recorded.
   */
  expectedAlembicHead: z
    .string('must be text')
    .regex(/^[0-9A-Za-z_]{1,32}$/, 'must be an alembic revision (letters, digits, _; at most 32)')
    .optional(),
  /** Step 1's broadcast; default: `ELLA is down for an upgrade to <version>.` */
  downtimeMessage: text(1000).optional(),
  /** Step 7's broadcast; default: `ELLA <version> is being tested; please wait until the test is over.` */
  acceptanceMessage: text(1000).optional(),
  reason: reasonSchema.optional(),
});
export type StartReleaseBody = z.output<typeof startReleaseSchema>;

export const stepBodySchema = z.strictObject({ reason: reasonSchema.optional() });
export const abortBodySchema = z.strictObject({ reason: reasonSchema });

export const releaseId = z
  .string()
  .regex(/^[1-9][0-9]{0,17}$/, 'must be a release id')
  .transform((id) => BigInt(id));
export const stepNumber = z
  .string()
  .regex(/^[1-9]$/, 'must be a step number, 1 to 9')
  .transform((n) => Number(n));
export const stepAction = z.enum(['run', 'confirm', 'skip'], 'must be run, confirm or skip');

export interface ReleaseStepView {
  number: number;
  key: string;
  title: string;
  actions: readonly string[];
  status: EllaReleaseStep['status'];
  /** How it was last acted on (run, confirm, skip), by whom, why, when. */
  action: string | null;
  actor: string | null;
  reason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  output: unknown;
  error: string | null;
  backupId: string | null;
  attempts: number;
}

export interface ReleaseView {
  id: string;
  instance: string;
  version: string;
  notes: string;
  expectedAlembicHead: string | null;
  downtimeMessage: string;
  acceptanceMessage: string;
  status: EllaRelease['status'];
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  abortedBy: string | null;
  abortReason: string | null;
  /** The step to act on next (null when the release is over). */
  nextStep: number | null;
  steps: ReleaseStepView[];
}

export const toReleaseView = (release: EllaRelease & { steps: EllaReleaseStep[] }): ReleaseView => {
  const steps = [...release.steps].sort((a, b) => a.number - b.number);
  const open = release.status === 'in_progress' || release.status === 'failed';
  const next = steps.find((step) => step.status !== 'done' && step.status !== 'skipped');
  return {
    id: release.id.toString(),
    instance: release.instance,
    version: release.version,
    notes: release.notes,
    expectedAlembicHead: release.expectedAlembicHead,
    downtimeMessage: release.downtimeMessage,
    acceptanceMessage: release.acceptanceMessage,
    status: release.status,
    createdBy: release.createdBy,
    createdAt: release.createdAt.toISOString(),
    finishedAt: release.finishedAt?.toISOString() ?? null,
    abortedBy: release.abortedBy,
    abortReason: release.abortReason,
    nextStep: open && next !== undefined ? next.number : null,
    steps: steps.map((step) => {
      const definition = STEPS[step.number - 1];
      return {
        number: step.number,
        key: definition?.key ?? '?',
        title: definition?.title ?? '?',
        actions: [...(definition?.actions ?? []), 'skip'],
        status: step.status,
        action: step.action,
        actor: step.actor,
        reason: step.reason,
        startedAt: step.startedAt?.toISOString() ?? null,
        finishedAt: step.finishedAt?.toISOString() ?? null,
        output: step.output ?? null,
        error: step.error,
        backupId: step.backupId?.toString() ?? null,
        attempts: step.attempts,
      };
    }),
  };
};
