import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createLogger, NestJsonLogger, parseTraceHeader, redactSecrets, requestContext } from './index.js';

const root = path.resolve(import.meta.dirname, '../../..');

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it.each([
    ['info', 'INFO'],
    ['warn', 'WARNING'],
    ['error', 'ERROR'],
    ['fatal', 'CRITICAL'],
    ['debug', 'DEBUG'],
  ] as const)('writes %s as severity %s with a message field', (level, severity) => {
    const { lines, destination } = capture();
    createLogger({ app: 'test', level: 'debug', destination })[level]('hello');
    expect(lines[0]).toMatchObject({ severity, message: 'hello', app: 'test' });
  });

  it('adds request id and the Cloud Logging trace field inside a request', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ app: 'test', level: 'info', projectId: 'proj', destination });
    requestContext.run({ requestId: 'req-1', traceId: 'a'.repeat(32), spanId: '7' }, () =>
      logger.info('inside'),
    );
    logger.info('outside');
    expect(lines[0]).toMatchObject({
      requestId: 'req-1',
      'logging.googleapis.com/trace': `projects/proj/traces/${'a'.repeat(32)}`,
      'logging.googleapis.com/spanId': '7',
    });
    expect(lines[1]).not.toHaveProperty('requestId');
  });

  it('censors authorization headers, cookies, tokens and passwords', () => {
    const { lines, destination } = capture();
    createLogger({ app: 'test', level: 'info', destination }).info(
      {
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: 'json' } },
        body: { password: 'hunter2', token: 't0k', name: 'ok' },
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['Bearer abc', 'sid=1', 'hunter2', 't0k']) expect(text).not.toContain(secret);
    expect(text).toContain('"accept":"json"');
    expect(text).toContain('"name":"ok"');
  });
  it('writes only its level and those more severe; silent writes nothing', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ app: 'test', level: 'warn', destination });
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((line) => line['message'])).toEqual(['w', 'e']);
    const quiet = capture();
    createLogger({ app: 'test', level: 'silent', destination: quiet.destination }).fatal('f');
    expect(quiet.lines).toEqual([]);
  });

  it('refuses an unknown level, naming it', () => {
    expect(() => createLogger({ app: 'test', level: 'loud' })).toThrow('Unknown log level "loud"');
  });

  it('writes time, level and fields; an Error alone becomes err with its message', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ app: 'test', level: 'info', destination });
    logger.info({ event: 'x', count: 2n, when: new Date('2026-01-02T03:04:05Z') }, 'fields');
    logger.error(Object.assign(new Error('failed at postgresql://u:pw@db/x'), { code: 'E1' }));
    expect(lines[0]).toMatchObject({
      level: 'info',
      event: 'x',
      count: '2',
      when: '2026-01-02T03:04:05.000Z',
      message: 'fields',
    });
    expect(Date.parse(String(lines[0]?.['time']))).not.toBeNaN();
    expect(lines[1]).toMatchObject({
      severity: 'ERROR',
      message: 'failed at postgresql://[redacted]@db/x',
      err: { name: 'Error', code: 'E1', message: 'failed at postgresql://[redacted]@db/x' },
    });
    expect(String((lines[1]?.['err'] as { stack: string }).stack)).toContain('logger.spec');
  });

  it("keeps the line's own fields: a caller's severity or app is renamed, a lone message is the message", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ app: 'test', level: 'info', destination });
    logger.warn({ severity: 'DEBUG', app: 'other', level: 'x', message: 'from fields' });
    logger.info({ message: 'ignored' }, 'given');
    expect(lines[0]).toMatchObject({
      severity: 'WARNING',
      app: 'test',
      level: 'warn',
      message: 'from fields',
      field_severity: 'DEBUG',
      field_app: 'other',
      field_level: 'x',
    });
    expect(lines[1]).toMatchObject({ message: 'given', field_message: 'ignored' });
  });

  it("writes an error's own fields, an AggregateError's errors and its cause; no credentials in URLs anywhere", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ app: 'test', level: 'info', destination });
    const dbError = Object.assign(new Error('duplicate key'), {
      code: '23505',
      detail: 'Key (email)=(a@b) exists',
      constraint: 'users_email_key',
      password: 'hunter2',
    });
    logger.error({ err: dbError, url: 'https://user:pw@example.test/x' }, 'at postgresql://app:s3cret@db/x');
    logger.error(
      new AggregateError([new Error('first'), new Error('second')], 'both failed', { cause: dbError }),
    );
    expect(lines[0]).toMatchObject({
      message: 'at postgresql://[redacted]@db/x',
      url: 'https://[redacted]@example.test/x',
      err: {
        name: 'Error',
        code: '23505',
        detail: 'Key (email)=(a@b) exists',
        constraint: 'users_email_key',
        password: '[redacted]',
      },
    });
    expect(lines[1]).toMatchObject({
      message: 'both failed',
      err: {
        name: 'AggregateError',
        errors: [{ message: 'first' }, { message: 'second' }],
        cause: { code: '23505' },
      },
    });
    expect(JSON.stringify(lines)).not.toMatch(/hunter2|s3cret|user:pw/);
  });

  it('keeps the request id and trace on the line that could not write its fields', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ app: 'test', level: 'info', destination });
    requestContext.run({ requestId: 'req-9', traceId: 'b'.repeat(32) }, () =>
      logger.info({ bad: { toJSON: () => JSON.parse('{') as unknown } }, 'unserialisable'),
    );
    expect(lines[0]).toMatchObject({
      requestId: 'req-9',
      'logging.googleapis.com/trace': 'b'.repeat(32),
      message: 'unserialisable',
    });
    expect(lines[0]).toHaveProperty('logError');
  });

  it('still writes the line when a field cannot be serialised, and survives cycles', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ app: 'test', level: 'info', destination });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    logger.info({ cyclic }, 'cycle');
    logger.info(
      {
        bad: {
          toJSON() {
            throw new Error('no JSON here');
          },
        },
      },
      'unserialisable',
    );
    expect(lines[0]).toMatchObject({ message: 'cycle', cyclic: { name: 'loop', self: '[circular]' } });
    expect(lines[1]).toMatchObject({
      severity: 'INFO',
      message: 'unserialisable',
      logError: 'fields could not be written: bad (no JSON here)',
    });
    expect(lines[1]).not.toHaveProperty('bad');
  });
});

describe('the default destination, standard output', () => {
  it('loses no line when the process exits right after logging into a pipe', async () => {
    const { build } = (await import(pathToFileURL(path.join(root, 'scripts/build.mjs')).href)) as {
      build: (options: { ifNeeded: boolean }) => Promise<void>;
    };
    await build({ ifNeeded: true });
    const logging = pathToFileURL(path.join(root, 'dist/libs/logging/index.js')).href;
    // 2 MB of lines: far more than a pipe holds, so an asynchronous write would still be queued at exit.
    const script = [
      `const { createLogger } = await import(${JSON.stringify(logging)});`,
      "const logger = createLogger({ app: 'exit-test', level: 'info' });",
      "for (let i = 0; i < 2000; i++) logger.info({ i, pad: 'x'.repeat(1000) }, 'line');",
      'process.exit(3);',
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { code?: number; stdout: string }) => {
      expect(error.code).toBe(3);
      return { stdout: error.stdout };
    });
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2000);
    expect(JSON.parse(lines[1999] ?? '{}')).toMatchObject({ i: 1999, message: 'line' });
  }, 120_000);
});

describe('NestJsonLogger', () => {
  it('never throws into the code that logs: a message whose getter or toJSON throws is one line saying so', () => {
    const { lines, destination } = capture();
    const logger = new NestJsonLogger(createLogger({ app: 'test', level: 'info', destination }));
    const getterThrows = Object.defineProperty({}, 'value', {
      enumerable: true,
      get() {
        throw new Error('no reading');
      },
    });
    expect(() => logger.warn(getterThrows, 'Sync')).not.toThrow();
    expect(() => logger.log({ nested: { toJSON: () => JSON.parse('{') as unknown } }, 'Sync')).not.toThrow();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      severity: 'WARNING',
      context: 'Sync',
      message: 'unreadable log message',
    });
    expect(lines[1]).toMatchObject({
      severity: 'INFO',
      context: 'Sync',
      logError: expect.stringMatching(/^fields could not be written: nested/) as unknown,
    });
  });

  it('keeps Nest context and redacts secrets in extra arguments', () => {
    const { lines, destination } = capture();
    const logger = new NestJsonLogger(createLogger({ app: 'test', level: 'info', destination }));
    logger.log('started', 'Bootstrap');
    logger.warn({ event: 'x', clientSecret: 'shh' }, 'Sync');
    expect(lines[0]).toMatchObject({ message: 'started', context: 'Bootstrap', severity: 'INFO' });
    expect(lines[1]).toMatchObject({
      event: 'x',
      clientSecret: '[redacted]',
      context: 'Sync',
      severity: 'WARNING',
    });
  });
});

describe('parseTraceHeader', () => {
  it.each([
    [{ 'x-cloud-trace-context': `${'b'.repeat(32)}/123;o=1` }, { traceId: 'b'.repeat(32), spanId: '123' }],
    [
      { traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` },
      { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16) },
    ],
    [{ traceparent: 'garbage' }, {}],
    [{}, {}],
  ])('parses %j', (headers, expected) => {
    expect(parseTraceHeader(headers)).toEqual(expected);
  });
});

describe('redactSecrets', () => {
  it("keeps an error's message and stack, without credentials in URLs", () => {
    const error = Object.assign(new Error('cannot reach postgresql://app:s3cret@db:5432/x'), {
      code: 'ECONNREFUSED',
    });
    const copy = redactSecrets({ err: error }) as {
      err: { name: string; message: string; stack: string; code: string };
    };
    expect(copy.err).toMatchObject({ name: 'Error', code: 'ECONNREFUSED' });
    expect(copy.err.message).toBe('cannot reach postgresql://[redacted]@db:5432/x');
    expect(copy.err.stack).toContain('logger.spec');
    expect(JSON.stringify(copy)).not.toContain('s3cret');
  });

  it('writes what JSON would of objects with toJSON, without credentials in URLs', () => {
    expect(
      redactSecrets({ at: new URL('https://user:pw@example.test/a?b=1'), raw: Buffer.from('hi') }),
    ).toEqual({ at: 'https://[redacted]@example.test/a?b=1', raw: { type: 'Buffer', data: [104, 105] } });
  });

  it('replaces secret-looking keys at any depth and survives cycles', () => {
    const value: Record<string, unknown> = { a: { apiKey: 'k', nested: [{ password: 'p', keep: 1 }] } };
    value.self = value;
    expect(redactSecrets(value)).toEqual({
      a: { apiKey: '[redacted]', nested: [{ password: '[redacted]', keep: 1 }] },
      self: '[circular]',
    });
  });
});
