import type { z } from 'zod';

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
