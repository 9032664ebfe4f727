import { z } from 'zod';

/**
 * The task-queue settings (TASKS_*) of an app's config schema, the same in every app but the queue's
 * default name: `...taskQueueSchema('ella-ops').shape` in its `.extend({...})`, and
 * `checkTaskQueueRules(config, ctx)` in its `superRefine`.
 */
export function taskQueueSchema(defaultQueue: string) {
  return z.object({
    /** `local`: the in-process dispatcher calls this app; `cloud-tasks`: Cloud Tasks. */
    TASKS_MODE: z.enum(['local', 'cloud-tasks']).default('local'),
    /** The queue's region (Cloud Tasks). */
    TASKS_LOCATION: z.string().default('europe-west2'),
    /** The queue's name. */
    TASKS_QUEUE: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a queue name')
      .default(defaultQueue),
    /** The service account whose OIDC token Cloud Tasks sends to this service. */
    TASKS_SERVICE_ACCOUNT: z.email().optional(),
    /** Where tasks are delivered: this service's own URL (required with cloud-tasks; local default: 127.0.0.1 and PORT). */
    TASKS_TARGET_URL: z.url().optional(),
  });
}

/** The task-queue settings an app's config schema holds (TASKS_*), as the rule below reads them. */
export interface TaskQueueConfigFields {
  TASKS_MODE: 'local' | 'cloud-tasks';
  GOOGLE_CLOUD_PROJECT?: string | undefined;
  TASKS_SERVICE_ACCOUNT?: string | undefined;
  TASKS_TARGET_URL?: string | undefined;
  JOB_TOKEN?: string | undefined;
}

/**
 * The rule every app with a task queue checks in its config schema: Cloud Tasks needs the project,
 * the account whose OIDC token the tasks carry and the URL they call; the local queue calls the app
 * with JOB_TOKEN.
 */
export function checkTaskQueueRules(config: TaskQueueConfigFields, ctx: z.RefinementCtx): void {
  if (config.TASKS_MODE === 'cloud-tasks') {
    for (const key of ['GOOGLE_CLOUD_PROJECT', 'TASKS_SERVICE_ACCOUNT', 'TASKS_TARGET_URL'] as const) {
      if (config[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required when TASKS_MODE=cloud-tasks' });
    }
  } else if (config.JOB_TOKEN === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['JOB_TOKEN'],
      message: 'is required when TASKS_MODE=local (the local queue calls this app with it)',
    });
  }
}
