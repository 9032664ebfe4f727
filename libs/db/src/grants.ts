import { nodePostgres } from './node-postgres.js';

/** One app's database role and the schemas it may use (its own and `platform`). */
export interface AppGrant {
  role: string;
  schemas: string[];
}

export interface GrantOutcome {
  role: string;
  granted: string[];
  /** The role does not exist (yet): e.g. Terraform creates an app's IAM user after the first migration. */
  missingRole: boolean;
  /** Schemas no migration has created (yet). */
  missingSchemas: string[];
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/**
 * Gives each app's role data access to its schemas and nothing else: USAGE on the schemas,
 * SELECT/INSERT/UPDATE/DELETE on their tables, USAGE/SELECT on their sequences, and the same for
 * tables and sequences the connected role (the schema owner, as the migrate job connects) creates
 * later (ALTER DEFAULT PRIVILEGES). No CREATE, no DDL: the schema stays the owner's. Idempotent; a
 * missing role or schema is reported, not an error, so a migration never fails for a role that is
 * created after it. Run by scripts/db-migrate.mjs after the migrations (DATABASE_APP_GRANTS).
 */
export async function grantAppRoles(connectionString: string, grants: AppGrant[]): Promise<GrantOutcome[]> {
  const client = new (nodePostgres().Client)({ connectionString, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const outcomes: GrantOutcome[] = [];
    for (const { role, schemas } of grants) {
      const roleExists =
        (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
      const present = (
        await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)', [
          schemas,
        ])
      ).rows.map((row) => row.nspname);
      const missingSchemas = schemas.filter((schema) => !present.includes(schema));
      if (!roleExists) {
        outcomes.push({ role, granted: [], missingRole: true, missingSchemas });
        continue;
      }
      const granted = schemas.filter((schema) => present.includes(schema));
      await client.query('BEGIN');
      try {
        for (const schema of granted) {
          const s = quote(schema);
          const r = quote(role);
          await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
          await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
          await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
          await client.query(
            `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`,
          );
          await client.query(
            `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT USAGE, SELECT ON SEQUENCES TO ${r}`,
          );
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      outcomes.push({ role, granted, missingRole: false, missingSchemas });
    }
    return outcomes;
  } finally {
    await client.end();
  }
}

/** DATABASE_APP_GRANTS: `{"<role>": ["<schema>", ...], ...}` (Terraform writes it for the migrate job). */
export function parseAppGrants(json: string): AppGrant[] {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('DATABASE_APP_GRANTS must be a JSON object of role => schemas');
  }
  return Object.entries(parsed).map(([role, schemas]) => {
    if (
      !Array.isArray(schemas) ||
      !schemas.every((schema) => typeof schema === 'string' && /^[a-z_][a-z0-9_]*$/.test(schema))
    ) {
      throw new Error(`DATABASE_APP_GRANTS: ${role} must map to a list of schema names`);
    }
    return { role, schemas: schemas as string[] };
  });
}
