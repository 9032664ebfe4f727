import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AxiosError } from 'axios';
import {
  listen,
  type RunningSimulator,
  SimulatorControl,
  createSimulatorApp,
} from '../../../simulators/common/simulator.js';
import { type AttemptFailure, AttemptTimeoutError, createHttpClient, HttpPolicy } from './index.js';

/** A policy on a clock the test moves; waits move the clock instead of sleeping. */
function testPolicy(options: { maxAttempts?: number; deadlineMs?: number; timeoutMs?: number } = {}) {
  const clock = { now: 1_000_000 };
  const waits: number[] = [];
  const policy = new HttpPolicy({
    system: 'Test',
    baseDelayMs: 100,
    maxDelayMs: 1000,
    maxAttempts: options.maxAttempts ?? 4,
    deadlineMs: options.deadlineMs ?? 60_000,
    timeoutMs: options.timeoutMs ?? 5000,
    now: () => clock.now,
    sleep: (ms) => {
      waits.push(ms);
      clock.now += ms;
      return Promise.resolve();
    },
  });
  return { policy, clock, waits };
}

describe('HttpPolicy.retryDelay', () => {
  const GET = { repeatable: true };
  const POST = { repeatable: false };
  it.each<[string, AttemptFailure, number, 'retry' | 'give up']>([
    ['a GET without an answer', { ...GET }, 1, 'retry'],
    ['a POST without an answer (it may have been processed)', { ...POST }, 1, 'give up'],
    ['a GET answered 503', { ...GET, status: 503 }, 1, 'retry'],
    ['a POST answered 503', { ...POST, status: 503 }, 1, 'give up'],
    ['a POST answered 429 (not processed)', { ...POST, status: 429, retryAfter: '1' }, 1, 'retry'],
    ['a GET answered 404', { ...GET, status: 404 }, 1, 'give up'],
    ['a GET answered 400', { ...GET, status: 400 }, 1, 'give up'],
    ['a GET answered 501', { ...GET, status: 501 }, 1, 'give up'],
    ['a failure no retry can fix', { ...GET, transient: false }, 1, 'give up'],
    ['a cancelled request', { ...GET, cancelled: true }, 1, 'give up'],
    ['the last attempt', { ...GET, status: 503 }, 4, 'give up'],
    ['a Retry-After past the deadline', { ...GET, status: 429, retryAfter: '60' }, 1, 'give up'],
    ['a Retry-After longer than allowed', { ...GET, status: 503, retryAfter: '3600' }, 1, 'give up'],
  ])('%s: %s', (_name, failure, attempt, expected) => {
    const { policy } = testPolicy({ deadlineMs: 30_000 });
    const delay = policy.retryDelay(attempt, failure, policy.startOperation());
    expect(delay === null ? 'give up' : 'retry').toBe(expected);
  });

  it('waits as Retry-After says, in seconds or as a date', () => {
    const { policy, clock } = testPolicy();
    const operation = policy.startOperation();
    expect(policy.retryDelay(1, { ...GET, status: 503, retryAfter: '7' }, operation)).toBe(7000);
    const inFiveSeconds = new Date(clock.now + 5000).toUTCString();
    expect(policy.retryDelay(1, { ...GET, status: 429, retryAfter: inFiveSeconds }, operation)).toBe(5000);
  });

  it('backs off exponentially with jitter, capped', () => {
    const { policy } = testPolicy({ maxAttempts: 10 });
    const operation = policy.startOperation();
    for (let attempt = 1; attempt <= 6; attempt++) {
      const delay = policy.retryDelay(attempt, { ...GET, status: 500 }, operation) ?? -1;
      const exponential = 100 * 2 ** (attempt - 1);
      expect(delay).toBeGreaterThanOrEqual(Math.min(exponential / 2, 1000));
      expect(delay).toBeLessThanOrEqual(Math.min(exponential, 1000));
    }
  });

  it('cuts the last attempt to what is left of the deadline', () => {
    const { policy, clock } = testPolicy({ deadlineMs: 8000, timeoutMs: 5000 });
    const operation = policy.startOperation();
    expect(policy.attemptTimeoutMs(operation)).toBe(5000);
    clock.now += 6000;
    expect(policy.attemptTimeoutMs(operation)).toBe(2000);
    clock.now += 5000;
    expect(policy.attemptTimeoutMs(operation)).toBe(1);
  });

  it('refuses settings that would turn timeouts off', () => {
    expect(() => new HttpPolicy({ system: 'Test', timeoutMs: 0 })).toThrow(
      /timeoutMs must be a positive number/,
    );
    expect(() => new HttpPolicy({ system: 'Test', deadlineMs: -1 })).toThrow(/deadlineMs/);
  });
});

describe('HttpPolicy.run', () => {
  const httpError = (status: number, retryAfter?: string) =>
    Object.assign(new Error(`HTTP ${status}`), { status, retryAfter });
  const describeError = (error: unknown) => {
    const { status, retryAfter } = error as { status?: number; retryAfter?: string };
    return { status, retryAfter };
  };

  it("gives an operation's only attempt all its time, even when the clock ticks over as it starts", async () => {
    const clock = { now: 1_000_000 };
    const policy = new HttpPolicy({
      system: 'Test',
      maxAttempts: 1,
      timeoutMs: 800,
      deadlineMs: 800,
      // Each reading of the clock is a millisecond later than the one before.
      now: () => clock.now++,
    });
    let given: number | undefined;
    await policy.run(
      ({ timeoutMs }) => {
        given = timeoutMs;
        return Promise.resolve('ok');
      },
      { repeatable: false },
    );
    expect(given).toBe(800);
  });

  it('retries what is retryable, counts every attempt and returns the answer', async () => {
    const { policy, waits } = testPolicy();
    const failures = [httpError(503), httpError(429, '2')];
    const attempts: number[] = [];
    const onRetry: unknown[] = [];
    const answer = await policy.run(
      ({ attempt }) => {
        attempts.push(attempt);
        const failure = failures.shift();
        return failure === undefined ? Promise.resolve('ok') : Promise.reject(failure);
      },
      { repeatable: true, describe: describeError, onRetry: (info) => onRetry.push(info.status) },
    );
    expect(answer).toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(policy.calls).toBe(3);
    expect(waits[1]).toBe(2000);
    expect(onRetry).toEqual([503, 429]);
  });

  it('rejects with the last error when the attempts are used up', async () => {
    const { policy } = testPolicy({ maxAttempts: 2 });
    await expect(
      policy.run(() => Promise.reject(httpError(500)), { repeatable: true, describe: describeError }),
    ).rejects.toMatchObject({ status: 500 });
    expect(policy.calls).toBe(2);
  });

  it('does not retry an error it cannot describe', async () => {
    const { policy } = testPolicy();
    await expect(
      policy.run(() => Promise.reject(new Error('bad key file')), { repeatable: true }),
    ).rejects.toThrow('bad key file');
    expect(policy.calls).toBe(1);
  });

  it('abandons an attempt that outlives its timeout, aborting its signal, and retries it', async () => {
    const policy = new HttpPolicy({ system: 'Test', timeoutMs: 20, maxAttempts: 2, baseDelayMs: 1 });
    const signals: AbortSignal[] = [];
    const error = await policy
      .run(
        ({ signal }) => {
          signals.push(signal);
          return new Promise<never>(() => undefined);
        },
        { repeatable: true },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttemptTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 20 });
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true]);
    expect(policy.calls).toBe(2);
  });

  it('shares one deadline between the calls of one operation', async () => {
    const { policy, clock } = testPolicy({ deadlineMs: 10_000 });
    const operation = policy.startOperation();
    clock.now += 9_950;
    await expect(
      policy.run(() => Promise.reject(httpError(503)), {
        repeatable: true,
        describe: describeError,
        operation,
      }),
    ).rejects.toMatchObject({ status: 503 });
    expect(policy.calls).toBe(1);
  });
});

describe('createHttpClient under an HttpPolicy', () => {
  const control = new SimulatorControl();
  let server: RunningSimulator;

  beforeAll(async () => {
    const app = createSimulatorApp(control, 'test');
    app.get('/slow', (_req, res) => {
      res.json({ ok: true });
    });
    server = await listen(app);
  });
  afterAll(() => server.close());

  it('counts every request on the policy it is given, retries included', async () => {
    control.reset();
    control.addFault({ path: '/slow', status: 503, times: 1 });
    const policy = new HttpPolicy({ system: 'Test', baseDelayMs: 1 });
    const client = createHttpClient({ system: 'Test', baseURL: server.url, policy });
    await client.get('/slow');
    await client.get('/slow');
    expect(policy.calls).toBe(3);
  });

  it('stops retrying a request at its deadline, whatever attempts are left', async () => {
    control.reset();
    control.latencyMs = 150;
    const started = Date.now();
    const client = createHttpClient({
      system: 'Test',
      baseURL: server.url,
      timeoutMs: 100,
      deadlineMs: 250,
      maxAttempts: 10,
      baseDelayMs: 1,
    });
    const error = await client.get('/slow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).code).toBe(AxiosError.ECONNABORTED);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1000);
    // 100 ms, then 100 ms, then what is left of 250 ms: three attempts, never ten.
    expect(control.callCount({ path: '/slow' })).toBeLessThanOrEqual(3);
    control.latencyMs = 0;
  });
});
