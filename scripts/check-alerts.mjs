// `node scripts/check-alerts.mjs`: proves every scheduled job of apps/manifest.json has its absence
// alert ("no successful run within twice its period plus 10 minutes") in terraform/modules/monitoring.
//
// Two independent derivations are compared: this script reads each cron expression with its own
// evaluator (the longest gap between two runs over two years), and Terraform's (the
// terraform/modules/job-schedules module, which the monitoring module's absence alerts iterate
// over) is evaluated with `terraform console`, offline (that module has no provider). The alert
// resource itself is checked to take every job of that module's output, unfiltered.
// Exit code 0: all covered; 1: what is missing or different, one line each.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

/** The values one cron field allows: `*`, `*\/n`, `a`, `a-b`, `a-b/n` and comma lists of them. */
function fieldValues(text, { name, min, max }) {
  const values = new Set();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (match === null) throw new Error(`cron ${name} field "${text}" is not understood`);
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] === undefined ? (match[4] ? max : from) : Number(match[3]);
    const step = match[4] === undefined ? 1 : Number(match[4]);
    if (from < min || to > max || from > to || step < 1)
      throw new Error(`cron ${name} field "${text}" is out of range`);
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/**
 * The longest time between two consecutive runs of a 5-field cron expression, in minutes: what an
 * absence alert must allow for. Evaluated over two years (UTC; the time zone does
 * not change the gaps except on clock changes, which the alert's doubling absorbs).
 */
export function cronPeriodMinutes(expression) {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expression}" must have 5 fields`);
  const [minutes, hours, days, months, weekdays] = parts.map((part, index) =>
    fieldValues(part, FIELDS[index]),
  );
  if (weekdays.has(7)) weekdays.add(0);
  const dayRestricted = parts[2] !== '*';
  const weekdayRestricted = parts[4] !== '*';
  const start = Date.UTC(2026, 0, 5); // a Monday
  const sortedHours = [...hours].sort((x, y) => x - y);
  const sortedMinutes = [...minutes].sort((x, y) => x - y);
  const runs = [];
  // Two years, day by day: long enough for monthly and yearly schedules to run twice.
  for (let day = 0; day < 2 * 366; day += 1) {
    const at = new Date(start + day * 86_400_000);
    const dayMatches = days.has(at.getUTCDate());
    const weekdayMatches = weekdays.has(at.getUTCDay());
    // Standard cron: with both day fields restricted, either one matching is enough.
    const dayRuns =
      dayRestricted && weekdayRestricted ? dayMatches || weekdayMatches : dayMatches && weekdayMatches;
    if (!dayRuns || !months.has(at.getUTCMonth() + 1)) continue;
    for (const hour of sortedHours) {
      for (const minute of sortedMinutes) runs.push(day * 1440 + hour * 60 + minute);
    }
  }
  if (runs.length < 2) throw new Error(`cron "${expression}" runs less than twice in two years`);
  let longest = 0;
  for (let index = 1; index < runs.length; index += 1)
    longest = Math.max(longest, runs[index] - runs[index - 1]);
  return longest;
}

/**
 * Minutes added to twice the period: a run's own length and the log-based metric's delay, so a
 * 5-minute job's window (20 minutes, not 10) does not fire whenever one run's point lands late.
 */
export const ABSENCE_SLACK_MINUTES = 10;

/** Every scheduled job of the manifest with the absence window it must get: twice its period plus the slack. */
export function expectedAbsenceAlerts(manifest) {
  const expected = {};
  for (const app of manifest.apps) {
    for (const job of app.jobs ?? []) {
      expected[`${app.name}/${job.name}`] =
        job.alertAfterMinutes ?? 2 * cronPeriodMinutes(job.schedule) + ABSENCE_SLACK_MINUTES;
    }
  }
  return expected;
}

/**
 * What Terraform makes of the manifest: terraform/modules/job-schedules' `jobs`, evaluated with
 * `terraform console` (no provider, no state, nothing written into the repository).
 */
export function terraformJobs(root = repositoryRoot, terraform = process.env.TERRAFORM ?? 'terraform') {
  const moduleDir = path.join(root, 'terraform/modules/job-schedules');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'check-alerts-'));
  const env = {
    ...process.env,
    TF_DATA_DIR: scratch,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
  try {
    execFileSync(terraform, [`-chdir=${moduleDir}`, 'init', '-backend=false', '-input=false'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const output = execFileSync(
      terraform,
      [`-chdir=${moduleDir}`, 'console', `-state=${path.join(scratch, 'terraform.tfstate')}`],
      { env, input: 'jsonencode(local.jobs)\n', stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' },
    );
    // The console prints the JSON as an HCL string literal: one more JSON.parse unquotes it.
    return JSON.parse(JSON.parse(output.trim().split('\n').at(-1)));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The monitoring module's absence alert must iterate over every job it is given, unfiltered. */
export function checkAlertWiring(root = repositoryRoot) {
  const problems = [];
  const monitoring = readFileSync(path.join(root, 'terraform/modules/monitoring/main.tf'), 'utf8');
  const platform = readFileSync(path.join(root, 'terraform/modules/platform/main.tf'), 'utf8');
  const block = /resource "google_monitoring_alert_policy" "job_absent" \{\n([\s\S]*?)\n\}/.exec(monitoring);
  if (block === null) {
    problems.push('terraform/modules/monitoring/main.tf has no google_monitoring_alert_policy "job_absent"');
  } else {
    if (!/^\s*for_each = var\.jobs$/m.test(block[1])) {
      problems.push('the job_absent alert policy must have `for_each = var.jobs` (every job, unfiltered)');
    }
    if (
      !block[1].includes('status=\\"succeeded\\"') ||
      !block[1].includes('[${each.value.absence_minutes}m]')
    ) {
      problems.push("the job_absent query must count succeeded runs over each job's absence_minutes");
    }
  }
  if (!/^\s*jobs\s*= module\.job_schedules\.jobs$/m.test(platform)) {
    problems.push(
      'terraform/modules/platform/main.tf must pass `jobs = module.job_schedules.jobs` to module "monitoring"',
    );
  }
  return problems;
}

/** Compares both derivations; returns one line per problem. */
export function compareAbsenceAlerts(expected, terraform) {
  const problems = [];
  for (const [key, minutes] of Object.entries(expected)) {
    const job = terraform[key];
    if (job === undefined) problems.push(`${key}: no absence alert`);
    else if (job.absence_minutes === null) {
      problems.push(
        `${key}: Terraform cannot read a period from its schedule: give the job "alertAfterMinutes" in apps/manifest.json`,
      );
    } else if (job.absence_minutes !== minutes) {
      problems.push(
        `${key}: absence alert after ${job.absence_minutes} min, expected ${minutes} (twice the period plus ${ABSENCE_SLACK_MINUTES} min)`,
      );
    }
  }
  for (const key of Object.keys(terraform)) {
    if (!(key in expected))
      problems.push(`${key}: an absence alert for a job the manifest does not schedule`);
  }
  return problems;
}

export function checkAlerts(root = repositoryRoot) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'apps/manifest.json'), 'utf8'));
  return [
    ...checkAlertWiring(root),
    ...compareAbsenceAlerts(expectedAbsenceAlerts(manifest), terraformJobs(root)),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let problems;
  try {
    problems = checkAlerts();
  } catch (error) {
    problems = [error instanceof Error ? error.message : String(error)];
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    process.exit(1);
  }
  console.log('Every scheduled job of apps/manifest.json has its absence alert.');
}
