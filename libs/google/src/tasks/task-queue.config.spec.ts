import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { checkTaskQueueRules, taskQueueSchema } from './task-queue.config.js';

/** An app's schema as the apps write theirs: the fragment's fields, the rule in its superRefine. */
const appSchema = z
  .object({
    JOB_TOKEN: z.string().optional(),
    GOOGLE_CLOUD_PROJECT: z.string().optional(),
    ...taskQueueSchema('some-app').shape,
  })
  .superRefine((config, ctx) => checkTaskQueueRules(config, ctx));

const problems = (env: Record<string, string>) => {
  const parsed = appSchema.safeParse(env);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('taskQueueSchema', () => {
  it('defaults to the local queue named after the app, in europe-west2', () => {
    expect(appSchema.parse({ JOB_TOKEN: 'a-job-token' })).toEqual({
      JOB_TOKEN: 'a-job-token',
      TASKS_MODE: 'local',
      TASKS_LOCATION: 'europe-west2',
      TASKS_QUEUE: 'some-app',
    });
  });

  it('takes Cloud Tasks with its project, account and target', () => {
    const env = {
      TASKS_MODE: 'cloud-tasks',
      GOOGLE_CLOUD_PROJECT: 'uni-services',
      TASKS_QUEUE: 'other-queue',
      TASKS_LOCATION: 'europe-west1',
      TASKS_SERVICE_ACCOUNT: 'tasks@uni-services.iam.gserviceaccount.com',
      TASKS_TARGET_URL: 'https://some-app-abc123-nw.a.run.app',
    };
    expect(appSchema.parse(env)).toEqual(env);
  });

  it('names each variable that is wrong or missing', () => {
    expect(
      problems({
        TASKS_MODE: 'queue',
        TASKS_QUEUE: 'has space',
        TASKS_SERVICE_ACCOUNT: 'nobody',
        TASKS_TARGET_URL: 'not a url',
      }).map((p) => p.split(':')[0]),
    ).toEqual(['TASKS_MODE', 'TASKS_QUEUE', 'TASKS_SERVICE_ACCOUNT', 'TASKS_TARGET_URL']);
    expect(problems({ TASKS_QUEUE: 'has space', JOB_TOKEN: 'x' })).toEqual([
      'TASKS_QUEUE: must be a queue name',
    ]);
    expect(problems({ TASKS_MODE: 'cloud-tasks' })).toEqual([
      'GOOGLE_CLOUD_PROJECT: is required when TASKS_MODE=cloud-tasks',
      'TASKS_SERVICE_ACCOUNT: is required when TASKS_MODE=cloud-tasks',
      'TASKS_TARGET_URL: is required when TASKS_MODE=cloud-tasks',
    ]);
    expect(problems({})).toEqual([
      'JOB_TOKEN: is required when TASKS_MODE=local (the local queue calls this app with it)',
    ]);
  });
});
