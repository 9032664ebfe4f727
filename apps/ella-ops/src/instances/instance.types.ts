import { z } from 'zod';

/** An instance's name as it appears in paths (`/instances/prod/...`). */
export const instanceName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'must be 1-40 lowercase letters, digits or -, starting with a letter or digit',
  );

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+/, 'must be an http:// or https:// URL')
  .pipe(z.url('must be an http:// or https:// URL'));

/** One ELLA installation: its supervisord, its database, its web address and where its backups go. */
export const instanceSchema = z.strictObject({
  name: instanceName,
  role: z.enum(['primary', 'failover', 'staging'], 'must be primary, failover or staging'),
  /** For a failover: the name of the primary it stands in for. */
  primary: instanceName.optional(),
  /** supervisord's XML-RPC endpoint, e.g. `http://host:9001/RPC2`. */
  supervisorUrl: httpUrl,
  supervisorUsername: z.string().min(1, 'must not be empty').optional(),
  supervisorPassword: z.string().min(1, 'must not be empty').optional(),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgresql:// URL'),
  ellaUrl: httpUrl,
  backupUrl: z
    .string()
    .regex(
      /^(gs:\/\/[a-z0-9][a-z0-9._-]{1,61}[a-z0-9](\/\S*)?|file:\/\/\/\S*)$/,
      'must be gs://bucket/prefix or file:///path',
    ),
});

export type EllaInstance = z.infer<typeof instanceSchema>;

/** What `GET /instances` shows: never the credentials or the database URL. */
export interface InstanceView {
  name: string;
  role: EllaInstance['role'];
  primary: string | null;
  ellaUrl: string;
  backupUrl: string;
}

export const toInstanceView = (instance: EllaInstance): InstanceView => ({
  name: instance.name,
  role: instance.role,
  primary: instance.primary ?? null,
  ellaUrl: instance.ellaUrl,
  backupUrl: instance.backupUrl,
});
