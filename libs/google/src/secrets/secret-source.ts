/** Where an app reads its secrets: Secret Manager in the cloud, the environment or a file locally. */
export interface SecretSource {
  /** The secret's value (text); `version` defaults to `latest`. SecretNotFoundError when absent. */
  read(secret: string, version?: string): Promise<string>;
}

/** Nest injection token for the app's SecretSource. */
export const SECRET_SOURCE = Symbol('SECRET_SOURCE');

/** Secret ids as Secret Manager allows them: letters, digits, `-` and `_`, at most 255 characters. */
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const VERSION = /^(latest|[1-9][0-9]{0,18})$/;

export class SecretNotFoundError extends Error {
  constructor(
    readonly secret: string,
    readonly version: string,
    where: string,
  ) {
    super(`secret ${secret} (version ${version}) was not found in ${where}`);
    this.name = 'SecretNotFoundError';
  }
}

/** Refuses a secret id or version Secret Manager would not have, naming which (never a value). */
export function assertSecretRef(secret: string, version: string): void {
  if (!SECRET_ID.test(secret)) {
    throw new Error('secret id must be letters, digits, - and _ (at most 255 characters)');
  }
  if (!VERSION.test(version))
    throw new Error(`secret ${secret}: version must be "latest" or a version number`);
}
