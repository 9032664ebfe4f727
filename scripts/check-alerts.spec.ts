import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checkAlerts,
  checkAlertWiring,
  compareAbsenceAlerts,
  cronPeriodMinutes,
  expectedAbsenceAlerts,
  repositoryRoot,
  terraformJobs,
} from './check-alerts.mjs';

/** Whether the Terraform CLI is on this machine (CI's test image has none: its terraform job runs the script). */
function hasTerraform(): boolean {
  try {
    execFileSync(process.env.TERRAFORM ?? 'terraform', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const withTerraform = hasTerraform() ? it : it.skip;

describe('cronPeriodMinutes', () => {
  it.each([
    ['*/5 * * * *', 5],
    ['17 * * * *', 60],
    ['0 */6 * * *', 360],
    ['0 6 * * *', 1440],
    ['0 6,18 * * *', 720],
    ['0 5 * * 1', 10080],
    ['0 9 * * 1-5', 3 * 1440], // Friday 09:00 to Monday 09:00
  ])('%s runs at most every %i minutes', (expression, minutes) => {
    expect(cronPeriodMinutes(expression)).toBe(minutes);
  });

  it('refuses what it cannot read', () => {
    expect(() => cronPeriodMinutes('0 6 * *')).toThrow(/5 fields/);
    expect(() => cronPeriodMinutes('61 * * * *')).toThrow(/out of range/);
    expect(() => cronPeriodMinutes('@daily x y z w')).toThrow(/not understood/);
  });
});

describe('absence alerts', () => {
  const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, 'apps/manifest.json'), 'utf8')) as {
    apps: { name: string; jobs: { name: string; schedule: string }[] }[];
  };

  it('expects one per scheduled job, dispatch-outbox of every app included', () => {
    const expected = expectedAbsenceAlerts(manifest);
    const jobs = manifest.apps.flatMap((app) => app.jobs.map((job) => `${app.name}/${job.name}`));
    expect(Object.keys(expected).sort()).toEqual(jobs.sort());
    for (const app of manifest.apps) expect(expected[`${app.name}/dispatch-outbox`]).toBe(20);
  });

  it('reports a job without an alert, a wrong window and an alert for no job', () => {
    expect(
      compareAbsenceAlerts(
        { 'a/one': 10, 'a/two': 120 },
        { 'a/two': { absence_minutes: 60 }, 'a/three': { absence_minutes: 10 } },
      ),
    ).toEqual([
      'a/one: no absence alert',
      'a/two: absence alert after 60 min, expected 120 (twice the period plus 10 min)',
      'a/three: an absence alert for a job the manifest does not schedule',
    ]);
  });

  it('finds the monitoring module iterating over every job, and says so when it filters them', () => {
    expect(checkAlertWiring()).toEqual([]);
    const copy = mkdtempSync(path.join(os.tmpdir(), 'check-alerts-wiring-'));
    try {
      cpSync(
        path.join(repositoryRoot, 'terraform/modules/monitoring'),
        path.join(copy, 'terraform/modules/monitoring'),
        {
          recursive: true,
        },
      );
      cpSync(
        path.join(repositoryRoot, 'terraform/modules/platform'),
        path.join(copy, 'terraform/modules/platform'),
        {
          recursive: true,
        },
      );
      const file = path.join(copy, 'terraform/modules/monitoring/main.tf');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          'for_each = var.jobs',
          'for_each = { for key, job in var.jobs : key => job if job.job != "dispatch-outbox" }',
        ),
      );
      expect(checkAlertWiring(copy)).toEqual([
        'the job_absent alert policy must have `for_each = var.jobs` (every job, unfiltered)',
      ]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  describe('against Terraform (terraform console on modules/job-schedules)', () => {
    let scratch: string;
    beforeAll(() => {
      scratch = mkdtempSync(path.join(os.tmpdir(), 'check-alerts-repo-'));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    withTerraform(
      'agrees with this script on every job of the manifest',
      () => {
        expect(checkAlerts()).toEqual([]);
        const jobs = terraformJobs();
        expect(jobs['covid-pool/import-all']).toMatchObject({ period_minutes: 1440, absence_minutes: 2890 });
        expect(jobs['storage-gateway/resume-orders']).toMatchObject({
          period_minutes: 60,
          absence_minutes: 130,
        });
      },
      60_000,
    );

    withTerraform(
      'covers a job added to the manifest, and refuses a schedule it cannot read',
      () => {
        // A copy of the module next to a manifest of our own: the module reads ../../../apps/manifest.json.
        cpSync(
          path.join(repositoryRoot, 'terraform/modules/job-schedules'),
          path.join(scratch, 'terraform/modules/job-schedules'),
          {
            recursive: true,
          },
        );
        mkdirSync(path.join(scratch, 'apps'), { recursive: true });
        const write = (jobs: { name: string; schedule: string; alertAfterMinutes?: number }[]) =>
          writeFileSync(
            path.join(scratch, 'apps/manifest.json'),
            JSON.stringify({ apps: [{ name: 'new-app', jobs }] }),
          );

        write([
          { name: 'nightly', schedule: '45 2 * * *' },
          { name: 'dispatch-outbox', schedule: '*/5 * * * *' },
          { name: 'monthly', schedule: '0 3 1 * *', alertAfterMinutes: 45000 },
        ]);
        const jobs = terraformJobs(scratch);
        expect(Object.keys(jobs).sort()).toEqual([
          'new-app/dispatch-outbox',
          'new-app/monthly',
          'new-app/nightly',
        ]);
        expect(jobs['new-app/nightly'].absence_minutes).toBe(2890);
        expect(jobs['new-app/dispatch-outbox'].absence_minutes).toBe(20);
        expect(jobs['new-app/monthly'].absence_minutes).toBe(45000);

        write([{ name: 'monthly', schedule: '0 3 1 * *' }]);
        const unreadable = terraformJobs(scratch);
        expect(unreadable['new-app/monthly'].absence_minutes).toBeNull();
        expect(
          compareAbsenceAlerts({ 'new-app/monthly': 2 * cronPeriodMinutes('0 3 1 * *') }, unreadable),
        ).toEqual([
          'new-app/monthly: Terraform cannot read a period from its schedule: give the job "alertAfterMinutes" in apps/manifest.json',
        ]);
      },
      60_000,
    );
  });
});
