import { OAuth2Client } from 'google-auth-library';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as JSON, when it is JSON. */
  json?: unknown;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * The far side of a Google client's HTTP transport, for adapter specs: an HTTP server on 127.0.0.1 that
 * records each request and answers as the test says. Google's gRPC clients reach it with
 * `fallback: true` (REST over HTTP/1), `protocol: 'http'`, `apiEndpoint` and `port`.
 */
export class GoogleRestServer {
  readonly requests: RecordedRequest[] = [];
  answer: (request: RecordedRequest) => Answer = () => ({ status: 200, body: {} });

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<GoogleRestServer> {
    const holder: { self?: GoogleRestServer } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
        } catch {
          json = undefined;
        }
        const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json };
        holder.self?.requests.push(recorded);
        const answer = holder.self?.answer(recorded) ?? { status: 500 };
        const isBuffer = Buffer.isBuffer(answer.body);
        res.writeHead(answer.status, {
          'content-type': isBuffer ? 'application/octet-stream' : 'application/json',
          ...answer.headers,
        });
        res.end(isBuffer ? (answer.body as Buffer) : JSON.stringify(answer.body ?? {}));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new GoogleRestServer(server, (server.address() as AddressInfo).port);
    return holder.self;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Options for a google-gax client (Cloud Tasks, Secret Manager) to talk REST to this server. */
  gaxOptions() {
    return {
      fallback: true,
      protocol: 'http',
      apiEndpoint: '127.0.0.1',
      port: this.port,
      authClient: staticAccessToken(),
    } as const;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Credentials that need no network: an access token that does not expire during the test. */
export function staticAccessToken(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'test-access-token', expiry_date: Date.now() + 3_600_000 });
  return client;
}

/** A Google API error body as the REST transport sends it. */
export function googleError(code: number, status: string, message: string): unknown {
  return { error: { code, message, status } };
}
