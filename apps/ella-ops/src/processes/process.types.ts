import { z } from 'zod';
import type { ProcessInfo } from '../supervisor/supervisor.types.js';

/** An operator's reason for an action: what the audit trail keeps. */
export const reasonSchema = z
  .string('must be text')
  .trim()
  .min(3, 'must be at least 3 characters')
  .max(500, 'must be at most 500 characters')
  .refine((text) => !/\p{Cc}/u.test(text), 'must not hold control characters');

export const actionBodySchema = z.strictObject({
  reason: reasonSchema,
  /**
   * Start even though the partner instance (primary or failover) cannot be asked: for when its VM is
   * down. A partner that answers and runs ELLA still refuses the start.
   */
  partnerDown: z.boolean('must be true or false').optional(),
});
export type ActionBody = z.output<typeof actionBodySchema>;

/** A supervisord program name, or `group:name`. */
export const programName = z
  .string()
  .regex(
    /^[A-Za-z0-9_.-]{1,100}(:[A-Za-z0-9_.-]{1,100})?$/,
    'must be a program name (letters, digits, _ . -)',
  );

export const logQuerySchema = z.strictObject({
  bytes: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1_048_576, 'must be at most 1048576')
    .default(16_384),
});

export interface ProgramView {
  name: string;
  group: string;
  state: string;
  description: string;
  pid: number | null;
  /** Seconds since it started, while it runs. */
  uptimeSeconds: number | null;
  startedAt: string | null;
  exitStatus: number;
  spawnError: string | null;
}

export interface ProcessesView {
  instance: string;
  supervisor: { state: string };
  programs: ProgramView[];
}

export const toProgramView = (info: ProcessInfo): ProgramView => {
  const running = info.statename === 'RUNNING';
  return {
    name: info.group === info.name ? info.name : `${info.group}:${info.name}`,
    group: info.group,
    state: info.statename,
    description: info.description,
    pid: info.pid > 0 ? info.pid : null,
    uptimeSeconds: running && info.start > 0 ? Math.max(0, info.now - info.start) : null,
    startedAt: info.start > 0 ? new Date(info.start * 1000).toISOString() : null,
    exitStatus: info.exitstatus,
    spawnError: info.spawnerr === '' ? null : info.spawnerr,
  };
};
