import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server that takes requests and never answers: a hung supervisord or ELLA API. */
export interface SilentServer {
  url: string;
  /** Requests received so far (each attempt of a client sends one). */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  let requests = 0;
  const server = http.createServer(() => {
    requests += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
