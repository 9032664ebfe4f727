import { describe, expect, it } from '@jest/globals';
import { AuthenticationError } from './auth.errors.js';
import { readBearerToken } from './bearer.util.js';

describe('readBearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc', 'abc'],
    ['BEARER  abc ', 'abc'],
    ['Bearer a+b/c=', 'a+b/c='],
  ])('reads %j', (header, token) => {
    expect(readBearerToken(header)).toBe(token);
  });

  it.each<[string | string[] | undefined, string]>([
    [undefined, 'missing Authorization header'],
    ['', 'missing Authorization header'],
    [['Bearer a', 'Bearer b'], 'more than one Authorization header'],
    ['Bearer', 'Authorization header must be "Bearer <token>"'],
    ['Bearer ', 'Authorization header must be "Bearer <token>"'],
    ['Bearer a b', 'Authorization header must be "Bearer <token>"'],
    ['Basic abc', 'Authorization header must be "Bearer <token>"'],
    ['Bearerabc', 'Authorization header must be "Bearer <token>"'],
    ['abc', 'Authorization header must be "Bearer <token>"'],
  ])('refuses %j', (header, message) => {
    expect(() => readBearerToken(header)).toThrow(new AuthenticationError(message));
  });

  it('never repeats the header in its message', () => {
    expect(() => readBearerToken('Token s3cret-value')).toThrow(/^(?!.*s3cret)/);
  });
});
