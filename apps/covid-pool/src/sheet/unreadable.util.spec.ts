import { describe, expect, it } from '@jest/globals';
import { kindOfHttpFailure, type UnreadableKind, whoMustAct } from './unreadable.util.js';

describe('whoMustAct', () => {
  it.each<[UnreadableKind, 'college' | 'us']>([
    ['invalid_id', 'college'],
    ['not_found', 'college'],
    ['no_access', 'college'],
    ['not_a_spreadsheet', 'college'],
    ['rate_limited', 'us'],
    ['unavailable', 'us'],
    ['network', 'us'],
    ['timeout', 'us'],
    ['credentials', 'us'],
    ['unexpected', 'us'],
  ])('%s -> %s', (kind, who) => {
    expect(whoMustAct(kind)).toBe(who);
  });
});

describe('kindOfHttpFailure', () => {
  it.each<[number, string | undefined, string, UnreadableKind]>([
    [404, undefined, 'Requested entity was not found.', 'not_found'],
    [403, undefined, 'The caller does not have permission', 'no_access'],
    [
      403,
      'SERVICE_DISABLED',
      'Google Sheets API has not been used in project 123 before or it is disabled.',
      'credentials',
    ],
    [
      403,
      undefined,
      'Google Sheets API has not been used in project 123 before or it is disabled.',
      'credentials',
    ],
    [
      403,
      'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
      'Request had insufficient authentication scopes.',
      'credentials',
    ],
    [403, undefined, 'The request is missing a valid API key.', 'credentials'],
    [401, undefined, 'Request had invalid authentication credentials.', 'credentials'],
    [429, undefined, 'Quota exceeded', 'rate_limited'],
    [500, undefined, 'Internal error', 'unavailable'],
    [503, undefined, 'The service is currently unavailable.', 'unavailable'],
    [400, undefined, 'This operation is not supported for this document', 'unexpected'],
  ])('HTTP %i (%s) %j -> %s', (status, reason, message, kind) => {
    expect(kindOfHttpFailure(status, reason, message)).toBe(kind);
  });
});
