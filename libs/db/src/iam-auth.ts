import type pg from 'pg';
import { nodePostgres } from './node-postgres.js';

/** The OAuth scope of a Cloud SQL IAM database login token. */
export const CLOUD_SQL_LOGIN_SCOPE = 'https://www.googleapis.com/auth/sqlservice.login';

/**
 * The password of a Cloud SQL IAM database user (DATABASE_IAM_AUTH=true): an OAuth2 access token
 * of the runtime's service account with the sqlservice.login scope, from the application default
 * credentials (on Cloud Run, the metadata server). google-auth-library caches the token and
 * fetches a new one shortly before it expires; each new connection asks for the current one.
 * DATABASE_URL then names the IAM user and no password, over the Cloud SQL socket:
 * `postgresql://<app>-run%40<project>.iam@localhost/platform?host=/cloudsql/<connection name>`.
 * (Not the private IP with sslmode=require: pg treats require as verify-full, and Cloud SQL's
 * server certificate names no IP address.)
 */
export function cloudSqlIamPassword(): () => Promise<string> {
  let auth: Promise<{ getAccessToken(): Promise<string | null | undefined> }> | undefined;
  return async () => {
    // Loaded on first use: only deployed apps with IAM database logins need it.
    auth ??= import('google-auth-library').then(
      ({ GoogleAuth }) => new GoogleAuth({ scopes: [CLOUD_SQL_LOGIN_SCOPE] }),
    );
    const token = await (await auth).getAccessToken();
    if (!token)
      throw new Error('no access token for the Cloud SQL IAM login from the application default credentials');
    return token;
  };
}

/**
 * A pg Client class whose password is `password()`, asked on each connection. (pg's own `password`
 * option is overwritten by the connection string's, empty when the URL has none, so it cannot be
 * given next to DATABASE_URL.)
 */
export function clientWithPassword(password: () => Promise<string>): typeof pg.Client {
  return class PasswordFunctionClient extends nodePostgres().Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      // pg's Client takes a function here (client.js: `typeof this.password === 'function'`); its
      // typings declare the property a string.
      (this as { password: unknown }).password = password;
    }
  };
}
