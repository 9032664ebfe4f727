import { readFileSync } from 'node:fs';
import { checkTaskQueueRules, taskQueueSchema } from '@app/google';
import { z } from 'zod';
import { checkWebAuthRules, webAuthSchema } from '@app/auth';
import { baseSchema, checkBaseRules, ConfigError, listFromEnv, loadConfig } from '@app/config';
import { emailList } from '@app/identifiers';
import type { EllaInstance } from './instances/instance.types.js';
import { parseInstances } from './instances/parse-instances.util.js';

export const ellaOpsSchema = baseSchema
  .extend({
    ...webAuthSchema.shape,
    /** Web sign-in: members of these groups (the ID token's OIDC_GROUPS_CLAIM) read, as VIEWER_EMAILS do. */
    VIEWER_GROUPS: listFromEnv(),
    /** Web sign-in: members of these groups read and act, as OPERATOR_EMAILS do. */
    OPERATOR_GROUPS: listFromEnv(),
    PORT: z.coerce.number().int().min(1).max(65535).default(3006),
    /** The instances as a JSON array (see the README); or ELLA_INSTANCES_FILE, a file holding it. */
    ELLA_INSTANCES: z.string().optional(),
    ELLA_INSTANCES_FILE: z.string().optional(),
    /** How long one supervisord call (one attempt) may take before the instance counts as unreachable. */
    SUPERVISOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** How long a supervisord start or stop (one attempt: actions are never repeated) may take. */
    SUPERVISOR_ACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(120_000),
    /** Attempts in all for a supervisord read that fails (actions are never repeated). */
    SUPERVISOR_READ_ATTEMPTS: z.coerce.number().int().min(1).max(5).default(2),
    /** How long a query on an instance's ELLA database, or a call to its API, may take. */
    ELLA_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** The health window when a request gives none. */
    HEALTH_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    /** Backups older than this many days are deleted, never the newest verified one. */
    BACKUP_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** The monitor job's alerts go to these addresses (none: alerts are kept, not emailed). */
    ONCALL_EMAILS: emailList(),
    /** A reminder while a problem lasts, this often. */
    ALERT_REPEAT_HOURS: z.coerce.number().int().min(1).max(168).default(4),
    /** Over this share of 5xx answers in the health window is a problem. */
    HEALTH_MAX_5XX_RATE: z.coerce.number().min(0).max(1).default(0.05),
    /** Over this p95 response time in the health window is a problem. */
    HEALTH_MAX_P95_MS: z.coerce.number().int().min(1).max(600_000).default(3000),
    /** A newest verified backup older than this is a problem. */
    BACKUP_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(8760).default(26),
    /** A backup still `running` this long after it started was lost (a crash): it is marked failed. */
    BACKUP_TIMEOUT_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
    /** Step 9 of a release emails these addresses (ELLA's users), through the outbox; empty: no email. */
    RELEASE_NOTIFY_EMAILS: emailList(),
    /** Backups run as tasks: Cloud Tasks in the cloud, the in-process dispatcher locally. */
    ...taskQueueSchema('ella-ops').shape,
  })
  .superRefine((config, ctx) => {
    checkBaseRules(config, ctx);
    checkWebAuthRules(config, ctx);
    if (config.AUTH_MODE === 'iap') {
      // Behind IAP the app sees an address, never groups: a group setting would grant nothing, silently.
      for (const key of ['VIEWER_GROUPS', 'OPERATOR_GROUPS'] as const) {
        if (config[key].length > 0)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message:
              'groups come from the ID token of our own sign-in (AUTH_MODE=oidc); behind IAP name people in VIEWER_EMAILS / OPERATOR_EMAILS',
          });
      }
    }
    checkTaskQueueRules(config, ctx);
    const given = [config.ELLA_INSTANCES, config.ELLA_INSTANCES_FILE].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['ELLA_INSTANCES'],
        message:
          given === 0 ? 'or ELLA_INSTANCES_FILE is required' : 'and ELLA_INSTANCES_FILE: give one, not both',
      });
    }
  });

export type EllaOpsConfig = z.infer<typeof ellaOpsSchema> & { instances: EllaInstance[] };

export const ELLA_OPS_CONFIG = Symbol('ELLA_OPS_CONFIG');

/** The settings, with the instance list read and checked; every problem names its variable, never a value. */
export function loadEllaOpsConfig(env: NodeJS.ProcessEnv = process.env): EllaOpsConfig {
  const config = loadConfig(ellaOpsSchema, env);
  const variable = config.ELLA_INSTANCES !== undefined ? 'ELLA_INSTANCES' : 'ELLA_INSTANCES_FILE';
  let text = config.ELLA_INSTANCES;
  if (text === undefined) {
    try {
      text = readFileSync(config.ELLA_INSTANCES_FILE ?? '', 'utf8');
    } catch {
      throw new ConfigError([{ variable, message: 'names a file that cannot be read' }]);
    }
  }
  const parsed = parseInstances(text);
  if (!parsed.ok) throw new ConfigError(parsed.problems.map((message) => ({ variable, message })));
  return { ...config, instances: parsed.instances };
}
