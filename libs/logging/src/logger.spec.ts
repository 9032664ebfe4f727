import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger, NestPinoLogger, parseTraceHeader, redactSecrets, requestContext } from './index.js';

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
});

describe('NestPinoLogger', () => {
  it('keeps Nest context and redacts secrets in extra arguments', () => {
    const { lines, destination } = capture();
    const logger = new NestPinoLogger(createLogger({ app: 'test', level: 'info', destination }));
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

  it('replaces secret-looking keys at any depth and survives cycles', () => {
    const value: Record<string, unknown> = { a: { apiKey: 'k', nested: [{ password: 'p', keep: 1 }] } };
    value.self = value;
    expect(redactSecrets(value)).toEqual({
      a: { apiKey: '[redacted]', nested: [{ password: '[redacted]', keep: 1 }] },
      self: '[circular]',
    });
  });
});
