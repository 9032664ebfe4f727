import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

/**
 * covid-pool's export role in Terraform: the systems that pull GET /export (`export_callers`) get
 * the app's export role (EXPORT_ALLOWED_EMAILS) and may invoke the service, and are never job
 * callers (JOB_ALLOWED_EMAILS: run jobs, read /runs). Read from the platform module's text (CI's
 * test image has no Terraform CLI; `terraform validate` runs in the pipeline's terraform job).
 */
const platform = readFileSync('terraform/modules/platform/main.tf', 'utf8');

/** The text of `name = { ... }` in the module's locals (braces balanced). */
function block(name: string): string {
  const start = platform.search(new RegExp(`\\n\\s*${name}\\s*=\\s*\\{`));
  if (start === -1) throw new Error(`no ${name} block in terraform/modules/platform/main.tf`);
  let depth = 0;
  for (let i = platform.indexOf('{', start); i < platform.length; i++) {
    if (platform[i] === '{') depth += 1;
    else if (platform[i] === '}' && --depth === 0) return platform.slice(start, i + 1);
  }
  throw new Error(`${name} block not closed`);
}

/** The text of one app's entry in a block: `"<app>" = ...` up to the next app's entry. */
function entry(text: string, app: string): string | undefined {
  const match = new RegExp(`\\n\\s*"${app}"\\s*=([\\s\\S]*?)(?=\\n\\s*"[a-z-]+"\\s*=|\\n\\s*\\}\\s*$)`).exec(
    text,
  );
  return match?.[1];
}

describe("Terraform: covid-pool's export callers", () => {
  it('get the export role in the app', () => {
    expect(entry(block('app_env'), 'covid-pool')).toMatch(
      /EXPORT_ALLOWED_EMAILS\s*=\s*join\(",",\s*local\.covid_pool\.export_callers\)/,
    );
  });

  it('may invoke the service (Cloud Run checks the token before the app does)', () => {
    expect(entry(block('app_invokers'), 'covid-pool')).toMatch(/local\.covid_pool\.export_callers/);
  });

  it('are not job callers: not in JOB_ALLOWED_EMAILS', () => {
    const jobCallers = block('app_job_callers');
    expect(entry(jobCallers, 'covid-pool')).toBeUndefined();
    expect(jobCallers).not.toMatch(/export_callers/);
    // The app module builds JOB_ALLOWED_EMAILS from the scheduler account and extra_job_callers only.
    const app = readFileSync('terraform/modules/app/main.tf', 'utf8');
    expect(app).toMatch(
      /JOB_ALLOWED_EMAILS\s*=\s*join\(",",\s*concat\(local\.has_jobs \? \[local\.scheduler_email\] : \[\], var\.extra_job_callers\)\)/,
    );
    expect(platform).toMatch(/extra_job_callers\s*=\s*try\(local\.app_job_callers\[each\.key\], \[\]\)/);
  });
});
