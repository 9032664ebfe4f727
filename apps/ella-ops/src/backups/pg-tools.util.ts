import { type ChildProcess, spawn } from 'node:child_process';
import { type Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * libpq's environment for a `postgresql://` URL: the password goes to the child's environment
 * (PGPASSWORD), never to its command line, where any user of the machine could read it.
 */
export function libpqEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const url = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PGHOST:
      url.searchParams.get('host') ??
      (url.hostname === '' ? undefined : url.hostname.replace(/^\[|\]$/g, '')),
    PGPORT: url.port === '' ? undefined : url.port,
    PGUSER: url.username === '' ? undefined : decodeURIComponent(url.username),
    PGPASSWORD: url.password === '' ? undefined : decodeURIComponent(url.password),
    PGDATABASE: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    PGSSLMODE: url.searchParams.get('sslmode') ?? undefined,
    PGCONNECT_TIMEOUT: '10',
  };
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

/** The last 2,000 characters a process wrote to stderr, for the error message. */
function collect(stream: Readable): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-2000);
  });
  return () => text.trim();
}

/** `pg_dump -Fc` of the database: its output as a stream, how it ended, and the child (to stop it). */
export function pgDump(databaseUrl: string): {
  output: Readable;
  done: Promise<{ ok: boolean; error: string }>;
  child: ChildProcess;
} {
  const child = spawn('pg_dump', ['--format=custom', '--no-password'], {
    env: libpqEnv(databaseUrl),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = collect(child.stderr);
  const done = new Promise<{ ok: boolean; error: string }>((resolve) => {
    child.once('error', (error) => resolve({ ok: false, error: `pg_dump could not run: ${error.message}` }));
    child.once('close', (code) =>
      resolve({ ok: code === 0, error: code === 0 ? '' : `pg_dump: ${stderr() || `exit ${code}`}` }),
    );
  });
  return { output: child.stdout, done, child };
}

/**
 * `pg_restore --list` of a dump read from `input` through `through` (e.g. a hash): ok with its table of
 * contents' entry count, or why not. pg_restore reads only the header and table of contents and exits;
 * the rest of `input` is still read to its end (and dropped), so that what streams through `through`
 * is the whole object. `input` is destroyed when reading fails.
 */
export async function pgRestoreList(
  input: Readable,
  through: Transform[] = [],
): Promise<{ ok: true; entries: number } | { ok: false; error: string }> {
  const child = spawn('pg_restore', ['--list'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH },
  });
  const stderr = collect(child.stderr);
  let listing = '';
  child.stdout.on('data', (chunk: Buffer) => {
    listing += chunk.toString('utf8');
  });
  const stdin = child.stdin;
  const stdinOpen = () => !stdin.destroyed && !stdin.writableEnded;
  stdin.on('error', () => undefined); // pg_restore stops reading once it has the table of contents
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!stdinOpen() || stdin.write(chunk)) return done();
      const go = () => {
        stdin.off('drain', go);
        stdin.off('close', go);
        done();
      };
      stdin.once('drain', go);
      stdin.once('close', go);
    },
    final(done) {
      if (stdinOpen()) stdin.end();
      done();
    },
  });
  const exited = new Promise<{ ok: true; entries: number } | { ok: false; error: string }>((resolve) => {
    child.once('error', (error) =>
      resolve({ ok: false, error: `pg_restore could not run: ${error.message}` }),
    );
    child.once('close', (code) => {
      const entries = listing.split('\n').filter((line) => /^\d+;/.test(line)).length;
      if (code === 0 && listing.includes('; Archive created at')) resolve({ ok: true, entries });
      else resolve({ ok: false, error: `pg_restore --list: ${stderr() || `exit ${code}`}` });
    });
  });
  const read = pipeline([input, ...through, sink]).then(
    () => null,
    (error: unknown) => {
      if (stdinOpen()) stdin.destroy();
      return (error as Error).message;
    },
  );
  const [listed, readError] = await Promise.all([exited, read]);
  if (readError !== null) return { ok: false, error: `cannot read the dump: ${readError}` };
  return listed;
}
