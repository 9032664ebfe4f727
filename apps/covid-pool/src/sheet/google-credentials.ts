import { readFileSync } from 'node:fs';
import {
  type AuthClient,
  GoogleAuth,
  IdentityPoolClient,
  type IdentityPoolClientOptions,
  JWT,
} from 'google-auth-library';
import { z } from 'zod';

const credentialsFileSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('service_account'),
    client_email: z.string().min(1),
    private_key: z.string().min(1),
    private_key_id: z.string().optional(),
  }),
  z.looseObject({
    type: z.literal('external_account'),
    audience: z.string().min(1),
    subject_token_type: z.string().min(1),
    credential_source: z
      .looseObject({ environment_id: z.unknown().optional(), executable: z.unknown().optional() })
      .refine((source) => source.environment_id === undefined && source.executable === undefined, {
        message: 'AWS and executable sources are read through GOOGLE_APPLICATION_CREDENTIALS',
      }),
  }),
]);

/**
 * Google credentials from a key file (a service account key, or an `external_account` workload
 * identity pool configuration such as the one the Sheets simulator uses), built with the library's
 * current constructors. `new GoogleAuth({ keyFilename })` and `fromJSON` print deprecation and
 * security warnings in google-auth-library 11; the file here is the operator's own, so its URLs are
 * trusted as GOOGLE_APPLICATION_CREDENTIALS would be. Throws, naming the file's problem, not its content.
 */
export function googleAuthFromFile(file: string, scopes: string[]): GoogleAuth {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error('the Google credentials file could not be read as JSON', { cause: error });
  }
  const parsed = credentialsFileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || 'type').join(', ');
    throw new Error(
      `the Google credentials file is neither a service account key nor an external_account configuration (check: ${fields})`,
    );
  }
  const credentials = parsed.data;
  let authClient: AuthClient;
  switch (credentials.type) {
    case 'service_account':
      authClient = new JWT({
        email: credentials.client_email,
        key: credentials.private_key,
        keyId: credentials.private_key_id,
        scopes,
      });
      break;
    case 'external_account':
      // A workload identity pool reading its subject token from a file, a URL or a certificate; the
      // constructor checks the rest of the configuration and throws on what it cannot use.
      authClient = new IdentityPoolClient({ ...credentials, scopes } as unknown as IdentityPoolClientOptions);
      break;
  }
  return new GoogleAuth({ authClient, scopes });
}
