import { describe, expect, it } from '@jest/globals';
import type { HttpException } from '@nestjs/common';
import { SupervisorFaultError, SupervisorUnreachableError } from './supervisor.errors.js';
import { toHttpError } from './supervisor-http.util.js';

const fault = (code: number, text: string) =>
  toHttpError(new SupervisorFaultError('prod', code, text)) as HttpException;

describe('toHttpError: supervisord faults as HTTP answers naming the instance', () => {
  it.each<[number, string, number]>([
    [10, 'BAD_NAME: nope', 404],
    [20, 'NO_FILE: /var/log/x', 404],
    [60, 'ALREADY_STARTED: api', 409],
    [70, 'NOT_RUNNING: api', 409],
    [6, 'SHUTDOWN_STATE', 503],
    [50, 'SPAWN_ERROR: api', 502],
    [40, 'ABNORMAL_TERMINATION: api', 502],
    [30, 'FAILED', 502],
    [1, 'UNKNOWN_METHOD', 502],
  ])('fault %i (%s) is %i', (code, text, status) => {
    const http = fault(code, text);
    expect(http.getStatus()).toBe(status);
    expect(http.getResponse()).toEqual({
      statusCode: status,
      error: expect.any(String),
      message: `supervisord of instance "prod" answered ${text}`,
      fault: { code, name: /^[A-Z_]+/.exec(text)?.[0] },
    });
  });

  it('answers an unreachable supervisord with 502 naming the instance', () => {
    const http = toHttpError(new SupervisorUnreachableError('dr', 'connection refused')) as HttpException;
    expect(http.getStatus()).toBe(502);
    expect(http.message).toBe('supervisord of instance "dr" is unreachable: connection refused');
  });

  it('leaves any other error as it is', () => {
    const other = new Error('something else');
    expect(toHttpError(other)).toBe(other);
  });
});
