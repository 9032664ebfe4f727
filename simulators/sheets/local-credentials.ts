import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes an `external_account` credential file whose token exchange goes to the simulator's `/token`,
 * plus the subject-token file it names, and returns the credential file's path. Google's own client
 * libraries then authenticate against the simulator with no special code path:
 * GOOGLE_APPLICATION_CREDENTIALS=<path>, or `new GoogleSheetsSource({ credentialsFile })` (not
 * `new GoogleAuth({ keyFilename })`, which google-auth-library 11 reports as deprecated).
 * Holds no secret: the simulator accepts any subject token.
 */
export async function writeExternalAccountCredentials(dir: string, simulatorUrl: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const subjectTokenFile = path.resolve(dir, 'sheets-simulator-subject-token.txt');
  const credentialsFile = path.resolve(dir, 'sheets-simulator-credentials.json');
  await writeFile(subjectTokenFile, 'local-sheets-simulator\n');
  const credentials = {
    type: 'external_account',
    audience:
      '//iam.googleapis.com/projects/0/locations/global/workloadIdentityPools/local/providers/sheets-simulator',
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    token_url: `${simulatorUrl.replace(/\/+$/, '')}/token`,
    credential_source: { file: subjectTokenFile },
  };
  await writeFile(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`);
  return credentialsFile;
}
