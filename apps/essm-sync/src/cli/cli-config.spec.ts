import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCliConfig } from './cli-config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'essm-cli-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
}

const SETTINGS = [
  'termtime: {url: https://tt.example/v1/api, api_key: TtKey0001, campus: MAIN, capacity_type: TEACH}',
  'booker: {url: https://booker.example/api, username: essm, password: pw}',
  'ops_email: ops@example.ac.uk',
  'events: {window_start: 2025-10-01, window_end: 2025-12-31}',
].join('\n');

describe('loadCliConfig', () => {
  const base = file('base.yaml', SETTINGS);

  it('names the file of the bad entry of a map merged from two files', () => {
    const types = file('types.yaml', "events: {booking_types: {Lecture: ''}}\n");
    const more = file('more.yaml', 'events: {booking_types: {Seminar: SEM}}\n');
    expect(() => loadCliConfig([base, types, more], {})).toThrow(
      `${types}: events.booking_types.Lecture: the booking type of 'Lecture' must be a non-empty text`,
    );
  });

  it('keeps a code with leading zeros as written', () => {
    const zeros = file(
      'zeros.yaml',
      'termtime: {default_department: 0042}\nevents: {booking_types: {Lecture: 101}}\n',
    );
    const config = loadCliConfig([base, zeros], {});
    expect(config.TERMTIME_DEFAULT_DEPARTMENT).toBe('0042');
    expect(config.EVENTS_BOOKING_TYPES).toEqual({ Lecture: '101' });
  });
});
