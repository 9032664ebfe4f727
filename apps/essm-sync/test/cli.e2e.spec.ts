import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@app/db';
import { BookerSimulator } from '../../../simulators/booker/booker.simulator.js';
import { generateTerm } from '../../../simulators/termtime/generate-term.js';
import { TermTimeSimulator, TERMTIME_API_PATH } from '../../../simulators/termtime/termtime.simulator.js';
import { BOOKER, SMALL_TERM, TERMTIME_KEY } from './essm.harness.js';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const root = path.resolve(import.meta.dirname, '../../..');
let db: TestDatabase;
let termtime: TermTimeSimulator;
let booker: BookerSimulator;
let dir: string;

/** `npm run essmsync -- <args>` as an operator runs it (builds if needed), with only `env` added. */
function essmsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/essmsync.mjs'), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
}

function ours() {
  return booker
    .bookings()
    .filter((b) => b.Status === 'Confirmed' && b.ExternalReference?.startsWith('termtime:'));
}

let base: string;
let secrets: string;

beforeAll(async () => {
  db = await createTestDatabase();
  termtime = new TermTimeSimulator({ apiKey: TERMTIME_KEY });
  booker = new BookerSimulator({ username: BOOKER.username, password: BOOKER.password });
  await termtime.start();
  await booker.start();
  dir = mkdtempSync(path.join(tmpdir(), 'essmsync-cli-'));
  base = file(
    'base.yaml',
    [
      `database_url: ${db.url}`,
      'termtime:',
      `  url: ${termtime.url}${TERMTIME_API_PATH}`,
      '  campus: MAIN',
      '  default_department: UNIV',
      '  capacity_type: LEC',
      '  api_key: placeholder-overridden',
      'booker:',
      `  url: ${booker.url}`,
      `  username: ${BOOKER.username}`,
      'events:',
      '  window_start: 2025-10-01',
      '  window_end: 2025-12-31',
      '  booking_types:',
      '    Lecture: LEC',
      '  max_change_ratio: 1',
      '  max_cancel_ratio: 1',
      'ops_email: [essm-ops@example.ac.uk]',
      '',
    ].join('\n'),
  );
  // Deep merge: the secrets file adds a key and a booking type, and replaces the API key.
  secrets = file(
    'secrets.yaml',
    [
      `termtime: {api_key: ${TERMTIME_KEY}}`,
      `booker: {password: ${BOOKER.password}}`,
      "events: {booking_types: {'*': TEACH}}",
      '',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await termtime?.close();
  await booker?.close();
  await db?.drop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  const term = generateTerm(SMALL_TERM);
  termtime.reset();
  booker.reset();
  termtime.seed(term.termtime);
  booker.seed(term.booker);
  await db
    .prisma()
    .$executeRawUnsafe(
      'TRUNCATE essm.booking_link, essm.synced_room, essm.conflict_report, platform.planned_change, ' +
        'platform.audit_event, platform.outbox_email, platform.job_run CASCADE',
    );
});

describe('essmsync (the CLI)', () => {
  it('runs dry by default: plans, records the run, changes nothing; exit 0', async () => {
    const result = await essmsync(['-c', base, '-c', secrets, 'sync-events']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run: nothing is changed');
    expect(result.stdout).toMatch(/sync-events \(dry run\): succeeded, run [0-9a-f-]{36}/);
    expect(result.stdout).toMatch(/would cancel 0, update 0, create \d+/);
    expect(ours()).toHaveLength(0);
    const runs = await db.prisma().jobRun.findMany();
    expect(runs.map((r) => [r.app, r.job, r.trigger, r.dryRun, r.status])).toEqual([
      ['essm-sync', 'sync-events', 'cli', true, 'succeeded'],
    ]);
  }, 120_000);

  it('applies with --really-do-this, with the deep-merged settings (booking types of both files)', async () => {
    const result = await essmsync(['-c', base, '-c', secrets, '--really-do-this', 'sync-events']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/applied: 0 cancelled, 0 updated, \d+ created/);
    const types = new Set(ours().map((b) => b.BookingType));
    expect(types).toEqual(new Set(['LEC', 'TEACH']));
    const run = await db.prisma().jobRun.findFirstOrThrow();
    expect(run).toMatchObject({ trigger: 'cli', dryRun: false, status: 'succeeded' });
  }, 120_000);

  it('runs all three operations in order; --json prints the run records', async () => {
    const result = await essmsync(['-c', base, '-c', secrets, '--json', 'all']);
    expect(result.code).toBe(0);
    const records = JSON.parse(result.stdout) as { job: string; status: string; dryRun: boolean }[];
    expect(records.map((r) => [r.job, r.status, r.dryRun])).toEqual([
      ['sync-rooms', 'succeeded', true],
      ['find-conflicts', 'succeeded', true],
      ['sync-events', 'succeeded', true],
    ]);
  }, 120_000);

  it('exits 2 on a refused run (over a limit; the environment overrides the files)', async () => {
    const result = await essmsync(['-c', base, '-c', secrets, 'sync-events'], {
      EVENTS_MAX_CHANGE_RATIO: '0.1',
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('sync-events (dry run): refused');
  }, 120_000);

  it('exits 1 on a failed run (a read that fails)', async () => {
    booker.control.addFault({ method: 'GET', path: '/api/rooms', status: 500, times: 20 });
    const result = await essmsync(['-c', base, '-c', secrets, 'sync-events']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('sync-events (dry run): failed');
  }, 120_000);

  it.each([
    [['-c', 'base.yaml'], 'no operation given'],
    [['-c', 'base.yaml', 'sync-everything'], "unknown operation 'sync-everything'"],
    [['sync-events'], 'no configuration file given'],
    [['-c', 'base.yaml', '--force', 'sync-events'], "Unknown option '--force'"],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const result = await essmsync(args.map((a) => (a === 'base.yaml' ? base : a)));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('usage: essmsync');
  });

  it('exits 2 naming the file and key of a bad setting, never its value', async () => {
    const bad = file('bad.yaml', 'booker:\n  colour: blue\n');
    const unknown = await essmsync(['-c', base, '-c', bad, 'sync-events']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`${bad}: booker.colour is not a setting`);

    const wrong = file('wrong.yaml', 'events:\n  max_cancel_ratio: 7\n');
    const invalid = await essmsync(['-c', base, '-c', secrets, '-c', wrong, 'sync-events']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(`${wrong}: events.max_cancel_ratio`);

    const missing = await essmsync(['-c', base, 'sync-events']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('BOOKER_PASSWORD');
    expect(missing.stderr).not.toContain(BOOKER.password);
  });
});
