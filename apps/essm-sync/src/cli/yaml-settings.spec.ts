import { describe, expect, it } from '@jest/globals';
import { mergeSettings, SettingsFileError, settingsOfFile, withEnvironment } from './yaml-settings.js';

const SETTINGS = new Set([
  'TERMTIME_URL',
  'TERMTIME_API_KEY',
  'EVENTS_BOOKING_TYPES',
  'EVENTS_MERGE_SHARED_ROOMS',
  'OPS_EMAIL',
  'EVENTS_WINDOW_START',
  'TERMTIME_DEFAULT_DEPARTMENT',
  'TERMTIME_CAMPUS',
  'TERMTIME_CAPACITY_TYPE',
  'BOOKER_PASSWORD',
]);

describe('settingsOfFile', () => {
  it('reads nested and flat keys, scalars as text, maps as maps', () => {
    const result = settingsOfFile(
      'base.yaml',
      [
        'termtime:',
        '  url: https://tt.example/v1/api',
        'EVENTS_MERGE_SHARED_ROOMS: true',
        'events:',
        '  booking_types:',
        '    Lecture: LEC',
        '  window_start: 2025-09-01',
        'ops_email: [a@example.ac.uk, b@example.ac.uk]',
      ].join('\n'),
      SETTINGS,
    );
    expect(result.values).toEqual({
      TERMTIME_URL: 'https://tt.example/v1/api',
      EVENTS_MERGE_SHARED_ROOMS: 'true',
      EVENTS_BOOKING_TYPES: { Lecture: 'LEC' },
      EVENTS_WINDOW_START: '2025-09-01',
      OPS_EMAIL: 'a@example.ac.uk,b@example.ac.uk',
    });
    expect(result.origins.TERMTIME_URL).toBe('base.yaml: termtime.url');
  });

  it.each([
    ['termtime:\n  colour: blue\n', /base.yaml: termtime.colour is not a setting/],
    ['- a\n- b\n', /base.yaml: must be a map/],
    ['termtime: [\n', /base.yaml line \d+: not valid YAML/],
  ])('refuses %j naming the file and key', (text, message) => {
    expect(() => settingsOfFile('base.yaml', text, SETTINGS)).toThrow(SettingsFileError);
    expect(() => settingsOfFile('base.yaml', text, SETTINGS)).toThrow(message);
  });

  it('keeps numbers as written: codes and secrets are texts', () => {
    const result = settingsOfFile(
      'base.yaml',
      [
        'termtime:',
        '  default_department: 0042',
        '  campus: 007',
        '  capacity_type: 1e3',
        '  api_key: 00123456789012345678',
        'booker: {password: 0x1F}',
        'events:',
        '  booking_types: {Lecture: 101, Seminar: 0.50}',
        'ops_email: [1, 02]',
      ].join('\n'),
      SETTINGS,
    );
    expect(result.values).toEqual({
      TERMTIME_DEFAULT_DEPARTMENT: '0042',
      TERMTIME_CAMPUS: '007',
      TERMTIME_CAPACITY_TYPE: '1e3',
      TERMTIME_API_KEY: '00123456789012345678',
      BOOKER_PASSWORD: '0x1F',
      EVENTS_BOOKING_TYPES: { Lecture: '101', Seminar: '0.50' },
      OPS_EMAIL: '1,02',
    });
  });

  it('an empty file sets nothing', () => {
    expect(settingsOfFile('empty.yaml', '', SETTINGS).values).toEqual({});
  });
});

describe('mergeSettings and withEnvironment', () => {
  const base = settingsOfFile(
    'base.yaml',
    'termtime: {url: https://a.example, api_key: base}\nevents: {booking_types: {Lecture: LEC, Seminar: SEM}}\n',
    SETTINGS,
  );
  const secrets = settingsOfFile(
    'secrets.yaml',
    'termtime: {api_key: secret}\nevents: {booking_types: {Seminar: TUT}}\n',
    SETTINGS,
  );

  it('merges left to right, maps key by key', () => {
    const merged = mergeSettings([base, secrets]);
    expect(merged.values).toEqual({
      TERMTIME_URL: 'https://a.example',
      TERMTIME_API_KEY: 'secret',
      EVENTS_BOOKING_TYPES: { Lecture: 'LEC', Seminar: 'TUT' },
    });
    expect(merged.origins.TERMTIME_API_KEY).toBe('secrets.yaml: termtime.api_key');
  });

  it("names each merged map entry's own file, and every file for the map", () => {
    const merged = mergeSettings([base, secrets]);
    expect(merged.origins['EVENTS_BOOKING_TYPES.Lecture']).toBe('base.yaml: events.booking_types.Lecture');
    expect(merged.origins['EVENTS_BOOKING_TYPES.Seminar']).toBe('secrets.yaml: events.booking_types.Seminar');
    expect(merged.origins.EVENTS_BOOKING_TYPES).toBe(
      'base.yaml: events.booking_types and secrets.yaml: events.booking_types',
    );
  });

  it('forgets the entries of a map a later value replaces', () => {
    const flat = settingsOfFile('flat.yaml', 'EVENTS_BOOKING_TYPES: Lecture=LEC\n', SETTINGS);
    const merged = mergeSettings([base, flat]);
    expect(merged.origins.EVENTS_BOOKING_TYPES).toBe('flat.yaml: EVENTS_BOOKING_TYPES');
    expect(merged.origins).not.toHaveProperty(['EVENTS_BOOKING_TYPES.Lecture']);
    const fromEnv = withEnvironment(base, { EVENTS_BOOKING_TYPES: 'Lecture=LEC' }, SETTINGS);
    expect(fromEnv.origins).not.toHaveProperty(['EVENTS_BOOKING_TYPES.Seminar']);
  });

  it('lets the environment override, and only with settings', () => {
    const result = withEnvironment(
      mergeSettings([base, secrets]),
      { TERMTIME_API_KEY: 'from-env', PATH: '/bin', TERMTIME_URL: '' },
      SETTINGS,
    );
    expect(result.values.TERMTIME_API_KEY).toBe('from-env');
    expect(result.values.TERMTIME_URL).toBe('https://a.example');
    expect(result.values).not.toHaveProperty('PATH');
    expect(result.origins.TERMTIME_API_KEY).toBe('environment variable TERMTIME_API_KEY');
  });
});
