import { z } from 'zod';

/** supervisord's own state (`supervisor.getState`). */
export const supervisorStateSchema = z.object({ statecode: z.number(), statename: z.string() });
export type SupervisorState = z.infer<typeof supervisorStateSchema>;

/** One program as `getAllProcessInfo` / `getProcessInfo` describe it (times are Unix seconds). */
export const processInfoSchema = z.object({
  name: z.string(),
  group: z.string(),
  start: z.number(),
  stop: z.number(),
  now: z.number(),
  state: z.number(),
  statename: z.string(),
  spawnerr: z.string(),
  exitstatus: z.number(),
  pid: z.number(),
  description: z.string(),
});
export type ProcessInfo = z.infer<typeof processInfoSchema>;

/** One entry of `startAllProcesses` / `stopAllProcesses` (status 80 is SUCCESS). */
export const processResultSchema = z.object({
  name: z.string(),
  group: z.string(),
  status: z.number(),
  description: z.string(),
});
export type ProcessResult = z.infer<typeof processResultSchema>;

/** `tailProcessStdoutLog`: `[text, offset, overflow]`. */
export const tailSchema = z.tuple([z.string(), z.number(), z.boolean()]);

/** supervisord's fault codes (`supervisor/xmlrpc.py`, `Faults`). */
export const FAULTS = {
  UNKNOWN_METHOD: 1,
  INCORRECT_PARAMETERS: 2,
  BAD_ARGUMENTS: 3,
  SHUTDOWN_STATE: 6,
  BAD_NAME: 10,
  NO_FILE: 20,
  FAILED: 30,
  ABNORMAL_TERMINATION: 40,
  SPAWN_ERROR: 50,
  ALREADY_STARTED: 60,
  NOT_RUNNING: 70,
  SUCCESS: 80,
} as const;

/** Program states that count as "running" for the failover rule: anything but stopped for good. */
export const ACTIVE_STATES = new Set(['STARTING', 'RUNNING', 'BACKOFF', 'STOPPING']);
