import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { describeIssuePath, parseResponse, UnexpectedResponseError, UpstreamError } from './index.js';

const schema = z.array(z.object({ id: z.number(), events: z.array(z.object({ start: z.string() })) }));
const where = { system: 'Example', response: 'items list', status: 200 };

describe('parseResponse', () => {
  it('returns the parsed answer', () => {
    expect(parseResponse(schema, [{ id: 1, events: [{ start: 'x' }], extra: true }], where)).toEqual([
      { id: 1, events: [{ start: 'x' }] },
    ]);
  });

  it('throws an UnexpectedResponseError naming the answer and the field, never the value', () => {
    const failure = (() => {
      try {
        parseResponse(
          schema,
          [
            { id: 1, events: [] },
            { id: 2, events: [{ start: 'secret-value-42' }, { start: 7 }] },
          ],
          where,
        );
      } catch (error) {
        return error;
      }
      return undefined;
    })() as UnexpectedResponseError;
    expect(failure).toBeInstanceOf(UnexpectedResponseError);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure.field).toBe('[1].events[1].start');
    expect(failure.response).toBe('items list');
    expect(failure.status).toBe(200);
    expect(failure.message).toBe(
      'Example: unexpected items list: [1].events[1].start: Invalid input: expected string, received number',
    );
    expect(failure.message).not.toContain('secret-value-42');
  });

  it('says (top level) for an answer of the wrong kind, and counts problems past ten', () => {
    expect(() => parseResponse(schema, { error: 'x' }, where)).toThrow(
      'Example: unexpected items list: (top level): Invalid input: expected array, received object',
    );
    const many = Array.from({ length: 12 }, () => ({}));
    expect(() => parseResponse(z.array(z.object({ id: z.number() })), many, where)).toThrow('(and 2 more)');
  });

  it('writes issue paths the way a reader looks them up', () => {
    expect(describeIssuePath([])).toBe('(top level)');
    expect(describeIssuePath(['Items', 0, 'StartTime'])).toBe('Items[0].StartTime');
  });
});
