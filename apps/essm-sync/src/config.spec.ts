import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@app/config';
import { loadEssmSyncConfig } from './config.js';

const env = {
  JOB_TOKEN: 'a-job-token-of-16-chars',
  TERMTIME_URL: 'http://127.0.0.1:4103/v1/api',
  TERMTIME_API_KEY: 'KEY12345678901234567',
  TERMTIME_CAMPUS: 'MAIN',
  TERMTIME_DEFAULT_DEPARTMENT: 'ESTATES',
  TERMTIME_CAPACITY_TYPE: 'LEC',
  BOOKER_URL: 'http://127.0.0.1:4104',
  BOOKER_USERNAME: 'essm-sync',
  BOOKER_PASSWORD: 'secret-password',
  EVENTS_WINDOW_START: '2025-09-01',
  EVENTS_WINDOW_END: 'AY2526',
  EVENTS_BOOKING_TYPES: 'Lecture=LEC,*=TEACH',
  OPS_EMAIL: 'essm-ops@example.ac.uk',
};

function problems(overrides: Record<string, unknown>): string[] {
  try {
    loadEssmSyncConfig({ ...env, ...overrides });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('essm-sync config', () => {
  it('reads the settings with their defaults', () => {
    const config = loadEssmSyncConfig(env);
    expect(config).toMatchObject({
      PORT: 3005,
      EVENTS_BOOKING_TYPES: { Lecture: 'LEC', '*': 'TEACH' },
      EVENTS_MERGE_SHARED_ROOMS: false,
      EVENTS_MAX_CANCEL_RATIO: 0.05,
      EVENTS_MAX_CHANGE_RATIO: 0.25,
      EVENTS_APPLY_CONCURRENCY: 8,
      ROOMS_MAX_DELETE: 10,
      TERMTIME_DEFAULT_FLOOR: 'Ground Floor',
      OPS_EMAIL: ['essm-ops@example.ac.uk'],
    });
    expect(config.EVENTS_MAX_CANCELLATIONS).toBeUndefined();
  });

  it.each([
    ['a JSON object', '{"Lecture":"LEC"}', { Lecture: 'LEC' }],
    ['a YAML map', { Lecture: 'LEC', Seminar: 'SEM' }, { Lecture: 'LEC', Seminar: 'SEM' }],
  ])('takes booking types as %s', (_name, value, expected) => {
    expect(loadEssmSyncConfig({ ...env, EVENTS_BOOKING_TYPES: value }).EVENTS_BOOKING_TYPES).toEqual(
      expected,
    );
  });

  it.each([
    [{ TERMTIME_URL: undefined }, 'TERMTIME_URL: is required'],
    [{ BOOKER_PASSWORD: undefined }, 'BOOKER_PASSWORD: is required'],
    [{ EVENTS_BOOKING_TYPES: 'Lecture' }, 'EVENTS_BOOKING_TYPES: must be <activity type>=<booking type>'],
    [{ EVENTS_BOOKING_TYPES: '{nope' }, 'EVENTS_BOOKING_TYPES: is not a JSON object'],
    [
      { EVENTS_BOOKING_TYPES: { Lecture: 3 } },
      "EVENTS_BOOKING_TYPES.Lecture: the booking type of 'Lecture' must be",
    ],
    [{ EVENTS_MAX_CANCEL_RATIO: '2' }, 'EVENTS_MAX_CANCEL_RATIO'],
    [{ EVENTS_MERGE_SHARED_ROOMS: 'yes' }, 'EVENTS_MERGE_SHARED_ROOMS'],
    [{ EVENTS_WINDOW_START: '2025-02-30' }, 'EVENTS_WINDOW_START: must be a real YYYY-MM-DD'],
    [{ EVENTS_WINDOW_END: '2025-08-01' }, 'EVENTS_WINDOW_END: is before EVENTS_WINDOW_START'],
    [{ OPS_EMAIL: undefined }, 'OPS_EMAIL'],
    [{ ROOMS_MAX_DELETE: '-1' }, 'ROOMS_MAX_DELETE'],
  ])('names the variable: %j', (overrides, expected) => {
    expect(problems(overrides).join('\n')).toContain(expected);
  });

  it('never quotes a secret value', () => {
    const text = problems({ BOOKER_URL: 'not a url with secret-password' }).join('\n');
    expect(text).toContain('BOOKER_URL');
    expect(text).not.toContain('secret-password');
  });
});
