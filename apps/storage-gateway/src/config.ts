import { z } from 'zod';
import { checkTaskQueueRules, taskQueueSchema } from '@app/google';
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
    /** Payment checks, provisioning and access run as tasks: Cloud Tasks in the cloud, in-process locally. */
    ...taskQueueSchema('storage-gateway').shape,
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
