import { z } from 'zod';
import { checkTaskQueueRules } from '@app/google';
import { baseSchema, checkBaseRules, listFromEnv, loadConfig } from '@app/config';
import { checkWebAuthRules, webAuthSchema } from '@app/auth';

const positiveDays = (fallback: number) => z.coerce.number().int().min(1).max(3650).default(fallback);

export const storageGatewaySchema = baseSchema
  .extend({
    ...webAuthSchema.shape,
    PORT: z.coerce.number().int().min(1).max(65535).default(3002),
    /** cufs-api, which checks finance codes, grant codes and purchase orders. */
    CUFS_API_URL: z.url(),
    /** The audience of the ID token sent to cufs-api (default: CUFS_API_URL). */
    CUFS_API_AUDIENCE: z.string().min(1).optional(),
    /** A static bearer token for cufs-api (its JOB_TOKEN locally); unset: Google-signed ID tokens from the metadata server. */
    CUFS_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    STORAGE_BACKEND_URL: z.url(),
    STORAGE_BACKEND_TOKEN: z.string().min(16, 'must be at least 16 characters'),
    /** Purchase order documents: a Cloud Storage bucket, or else a folder (local runs). */
    DOCUMENTS_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, 'must be a bucket name')
      .optional(),
    DOCUMENTS_DIR: z.string().default('.data/storage-documents'),
    TASKS_MODE: z.enum(['local', 'cloud-tasks']).default('local'),
    TASKS_LOCATION: z.string().default('europe-west2'),
    TASKS_QUEUE: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a queue name')
      .default('storage-gateway'),
    /** The service account whose OIDC token Cloud Tasks sends to this service. */
    TASKS_SERVICE_ACCOUNT: z.email().optional(),
    /** Where tasks are delivered: this service's own URL (required with cloud-tasks; local default: 127.0.0.1 and PORT). */
    TASKS_TARGET_URL: z.url().optional(),
    RENEWAL_REMINDER_DAYS: listFromEnv()
      .pipe(
        z.array(
          z
            .string()
            .regex(/^\d{1,3}$/, 'must be whole days')
            .transform(Number)
            .pipe(z.number().int().min(1).max(365)),
        ),
      )
      .transform((days) => (days.length === 0 ? [60, 30, 7] : [...new Set(days)].sort((a, b) => b - a))),
    RENEWAL_GRACE_DAYS: positiveDays(30),
    QUOTE_VALID_DAYS: positiveDays(30),
    PO_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(10 * 1024 * 1024),
    /** JSON file of products and vouchers inserted at start when missing (local runs). */
    STORAGE_SEED_FILE: z.string().optional(),
  })
  .superRefine((config, ctx) => {
    checkBaseRules(config, ctx);
    checkWebAuthRules(config, ctx);
    checkTaskQueueRules(config, ctx);
  });

export type StorageGatewayConfig = z.infer<typeof storageGatewaySchema>;

export const STORAGE_GATEWAY_CONFIG = Symbol('STORAGE_GATEWAY_CONFIG');

export function loadStorageGatewayConfig(env: NodeJS.ProcessEnv = process.env): StorageGatewayConfig {
  return loadConfig(storageGatewaySchema, env);
}
