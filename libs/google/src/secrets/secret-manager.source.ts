import { HttpPolicy } from '@app/http';
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { GRPC_NOT_FOUND, grpcFailure, isGrpcCode } from '../grpc-errors.util.js';
import { lazy } from '../lazy.util.js';
import { assertSecretRef, SecretNotFoundError, type SecretSource } from './secret-source.js';

export type SecretManagerClientOptions = NonNullable<
  ConstructorParameters<typeof SecretManagerServiceClient>[0]
>;

export interface SecretManagerSourceOptions {
  project: string;
  /** Passed to `SecretManagerServiceClient` (tests: a local HTTP server with `fallback: true`). */
  clientOptions?: SecretManagerClientOptions;
  policy?: HttpPolicy;
}

type AccessVersion = Pick<SecretManagerServiceClient, 'accessSecretVersion'>;

/**
 * Reads secret versions from Secret Manager through `@google-cloud/secret-manager` (loaded on the first
 * read): `projects/<project>/secrets/<secret>/versions/<version>`. A read is retried on passing
 * failures under the HTTP policy; NOT_FOUND is SecretNotFoundError. The value is never logged.
 */
export class SecretManagerSource implements SecretSource {
  readonly policy: HttpPolicy;
  private readonly client: () => Promise<AccessVersion>;

  constructor(private readonly options: SecretManagerSourceOptions) {
    this.policy =
      options.policy ??
      new HttpPolicy({ system: 'Secret Manager', timeoutMs: 10_000, deadlineMs: 30_000, maxAttempts: 4 });
    this.client = lazy(async () => {
      const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager');
      return new SecretManagerServiceClient(options.clientOptions);
    });
  }

  async read(secret: string, version = 'latest'): Promise<string> {
    assertSecretRef(secret, version);
    const client = await this.client();
    const name = `projects/${this.options.project}/secrets/${secret}/versions/${version}`;
    let data: Uint8Array | string | null | undefined;
    try {
      const [response] = await this.policy.run(
        ({ timeoutMs }) => client.accessSecretVersion({ name }, { timeout: timeoutMs, retry: null }),
        { repeatable: true, describe: grpcFailure },
      );
      data = response.payload?.data;
    } catch (error) {
      if (isGrpcCode(error, GRPC_NOT_FOUND)) {
        throw new SecretNotFoundError(secret, version, `Secret Manager (project ${this.options.project})`);
      }
      throw new Error(`Secret Manager: could not read secret ${secret} (version ${version})`, {
        cause: error,
      });
    }
    if (data === null || data === undefined)
      throw new Error(`Secret Manager: secret ${secret} has no payload`);
    return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  }
}
