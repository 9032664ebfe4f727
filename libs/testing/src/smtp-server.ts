import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** What the test SMTP server received: envelope and raw message. */
export interface ReceivedEmail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedEmail[];
  /** Set to refuse every recipient with this reply (e.g. `550`) until set back to undefined. */
  rejectWith: number | undefined;
  /** Recipients refused with `550` while the others are accepted. */
  refused: Set<string>;
  close(): Promise<void>;
}

/** A real SMTP server (npm `smtp-server`) on 127.0.0.1, any port, no TLS or auth. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    url: '',
    received: [],
    rejectWith: undefined,
    refused: new Set(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    onRcptTo(address, _session, callback) {
      const code = state.refused.has(address.address) ? 550 : state.rejectWith;
      if (code === undefined) return callback();
      callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom;
        state.received.push({
          from: mailFrom === false ? '' : mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('SMTP test server has no port');
  state.url = `smtp://127.0.0.1:${address.port}`;
  return state;
}

/** An smtp:// URL on which nothing listens (a port that was free a moment ago). */
export async function closedSmtpUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('probe has no port');
  return `smtp://127.0.0.1:${address.port}`;
}
