// ella-ops' pages in a real browser (Debian's Chromium through playwright-core): people sign in
// through the real OIDC provider's page, act on real supervisords, and every page goes through
// axe-core (no serious or critical violation). Skipped, saying why, only when Chromium cannot be
// launched or supervisord is not installed. A failing step leaves screenshots in
// .data/test-screenshots/ella-ops.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openWindow, signInAs, withScreenshotsIn } from '@app/testing';
import { type EllaOpsHarness, startEllaOps } from './ella-ops.harness.js';
import { supervisordInstalled, waitFor } from './supervisord.harness.js';

jest.setTimeout(120_000);
const SCREENSHOTS = path.resolve('.data/test-screenshots/ella-ops');
const launched = supervisordInstalled
  ? await launchChromium()
  : { reason: 'supervisord is not installed (scripts/system-peers.json)' };
const suite = 'browser' in launched ? describe : describe.skip;
if (!('browser' in launched))
  process.stderr.write(`ella-ops pages in Chromium skipped: ${launched.reason}\n`);
const title =
  'browser' in launched ? 'ella-ops pages in Chromium' : `ella-ops pages (skipped: ${launched.reason})`;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

suite(title, () => {
  let h: EllaOpsHarness;
  let browser: Browser;
  let olga: Page; // op101, operator
  let walt: Page; // vw404, viewer
  let nina: Page; // nb505, no role
  let axeSource: string;

  beforeAll(async () => {
    if (!('browser' in launched)) return;
    browser = launched.browser;
    axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    h = await startEllaOps({ signIn: true });
    olga = (await openWindow(browser)).page;
    walt = (await openWindow(browser)).page;
    nina = (await openWindow(browser)).page;
    await signInAs(olga, h.baseUrl, 'op101');
    await signInAs(walt, h.baseUrl, 'vw404');
    await signInAs(nina, h.baseUrl, 'nb505').catch(() => undefined); // lands on the 403 page
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const step = <T>(name: string, pages: Page[], work: () => Promise<T>) =>
    withScreenshotsIn(SCREENSHOTS, name, pages, work);
  const stateOf = async (program: string) => (await h.prod.client.getProcessInfo(program)).statename;

  it('lets an operator stop and start a program, each with a reason', async () => {
    await step('operator stops api', [olga], async () => {
      await olga.goto(`${h.baseUrl}/`);
      await olga.click('a[href="/instance/prod"]');
      await olga.waitForURL(`${h.baseUrl}/instance/prod`);
      const row = olga.locator('tr#program-api');
      // The reason is required: the browser does not send the form without it.
      await row.locator('button[value="stop"]').click();
      expect(await stateOf('api')).toBe('RUNNING');
      await row.locator('input[name="reason"]').fill('browser e2e: stopping api');
      await row.locator('button[value="stop"]').click();
      await olga.waitForSelector('#flash');
      expect(await olga.textContent('#flash')).toBe('api: stop done, now STOPPED');
      expect(await stateOf('api')).toBe('STOPPED');
      expect(await olga.textContent('tr#program-api td span')).toBe('STOPPED');
    });
    await step('operator starts api', [olga], async () => {
      const row = olga.locator('tr#program-api');
      await row.locator('input[name="reason"]').fill('browser e2e: starting api');
      await row.locator('button[value="start"]').click();
      await olga.waitForSelector('#flash');
      expect(await olga.textContent('#flash')).toMatch(/^api: start done, now (STARTING|RUNNING)$/);
      await waitFor('api running', async () => (await stateOf('api')) === 'RUNNING');
    });
    const audit = await h.t.prisma.auditEvent.findMany({
      where: { app: 'ella-ops', entityId: 'prod/api' },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ['program.stop', 'op101@uni.example.ac.uk', 'browser e2e: stopping api'],
      ['program.start', 'op101@uni.example.ac.uk', 'browser e2e: starting api'],
    ]);
  });

  it('sends an action form once: a second submit while the first is on its way is dropped', async () => {
    await step('double submit', [olga], async () => {
      await olga.goto(`${h.baseUrl}/instance/prod`);
      // Two submit events of the broadcast form, as a double click makes them (not sent: synthetic).
      const prevented = await olga.evaluate(() => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): EventTarget | null } })
          .document;
        const form = doc.querySelector('form[action="/instance/prod/broadcasts"]');
        if (form === null) throw new Error('no broadcast form');
        return [1, 2].map(() => {
          const event = new Event('submit', { bubbles: true, cancelable: true });
          form.dispatchEvent(event);
          return event.defaultPrevented;
        });
      });
      expect(prevented).toEqual([false, true]);
    });
  });

  it('shows a viewer no action buttons', async () => {
    await step('viewer sees no buttons', [walt], async () => {
      await walt.goto(`${h.baseUrl}/instance/prod`);
      expect(await walt.textContent('#who')).toBe('Walt Viewer (viewer)');
      expect(await walt.locator('tr#program-api').count()).toBe(1);
      expect(await walt.locator('form[action^="/instance/"]').count()).toBe(0);
      expect(await walt.locator('main button').count()).toBe(0);
    });
  });

  it('refreshes the overview by itself, and the refresh can be paused', async () => {
    const { context, page } = await openWindow(browser);
    try {
      await step('overview refresh', [page], async () => {
        await signInAs(page, h.baseUrl, 'vw404');
        // The page's clock is the test's: 30 seconds pass when the test says so.
        await page.clock.install();
        await page.goto(`${h.baseUrl}/`);
        const nginx = page.locator('tr#instance-prod li', { hasText: 'nginx' });
        expect(await nginx.textContent()).toBe('nginx RUNNING');
        const toggle = page.locator('#refresh-toggle');
        expect(await toggle.textContent()).toBe('Pause refreshing');
        // With JavaScript the <meta refresh> link is hidden: the script refreshes.
        expect(await page.locator('a[href="/?refresh=on"]').isVisible()).toBe(false);
        await h.prod.client.stopProcess('nginx');
        await page.clock.runFor(31_000);
        // A locator waits without evaluating a string in the page (the CSP forbids eval).
        await page.locator('tr#instance-prod li', { hasText: 'nginx STOPPED' }).waitFor();
        // Paused: nothing changes however long it waits.
        await toggle.click();
        await page.locator('#refresh-status', { hasText: 'Refreshing paused.' }).waitFor();
        expect(await toggle.textContent()).toBe('Resume refreshing');
        await h.prod.client.startProcess('nginx');
        await page.clock.runFor(61_000);
        expect(await nginx.textContent()).toBe('nginx STOPPED');
        await toggle.click();
        expect(await toggle.textContent()).toBe('Pause refreshing');
        await page.clock.runFor(31_000);
        await page.locator('tr#instance-prod li', { hasText: 'nginx RUNNING' }).waitFor();
      });
    } finally {
      await context.close();
      // Whatever happened above, the next test finds nginx running (ALREADY_STARTED is fine).
      await h.prod.client.startProcess('nginx').catch(() => undefined);
      await waitFor('nginx running', async () => (await stateOf('nginx')) === 'RUNNING');
    }
  });

  let releaseId = '';
  let waitingId = '';

  it('lets an operator start a release on the instance page and act on its next step', async () => {
    await step('start a release', [olga], async () => {
      await olga.goto(`${h.baseUrl}/instance/prod`);
      const form = olga.locator('form[aria-label="Start a release"]');
      await form.locator('input[name="version"]').fill('1.18.0');
      await form.locator('textarea[name="notes"]').fill('Faster search');
      await form.locator('input[name="reason"]').fill('browser e2e: release 1.18.0');
      await form.locator('button[type="submit"]').click();
      await olga.waitForURL(/\/release\/\d+$/);
      releaseId = /\/release\/(\d+)$/.exec(olga.url())?.[1] ?? '';
      expect(await olga.textContent('#flash')).toContain(`Release ${releaseId} (1.18.0) started`);
      // Step 1 writes ELLA's broadcast table; this ELLA database does not answer, so the step fails,
      // and the page says why, with the run-again and skip forms on it.
      const run = olga.locator('form[aria-label="Run step 1"]');
      await run.locator('input[name="reason"]').fill('browser e2e: announce');
      await run.locator('button[value="run"]').click();
      await olga.waitForSelector('li#step-1.step-failed');
      expect(await olga.textContent('#release-status')).toBe('stopped at a failed step');
      expect(await olga.locator('li#step-1 button[value="run"]').textContent()).toBe('Run again');
      expect(await olga.locator('li#step-2 form').count()).toBe(0);
    });
  });

  it('shows a viewer the release without any form', async () => {
    await step('viewer release page', [walt], async () => {
      await walt.goto(`${h.baseUrl}/release/${releaseId}`);
      expect(await walt.locator('li.step').count()).toBe(9);
      expect(await walt.locator('main form').count()).toBe(0);
      expect(await walt.locator('main button').count()).toBe(0);
    });
  });

  it('refreshes a release page by itself while step 3 waits for its backup, then shows how it ended', async () => {
    // A release of dr standing at step 3, its backup running (rows as the runbook leaves them).
    const by = 'op101@uni.example.ac.uk';
    const now = new Date();
    const backup = await h.t.prisma.ellaBackup.create({
      data: {
        instance: 'dr',
        object: 'dr/x.dump',
        status: 'running',
        startedAt: now,
        workStartedAt: now,
        createdBy: by,
        reason: 'release 2.0.0: step 3',
      },
    });
    const seeded = await h.t.prisma.ellaRelease.create({
      data: {
        instance: 'dr',
        version: '2.0.0',
        notes: '',
        downtimeMessage: 'ELLA is down for an upgrade to 2.0.0.',
        acceptanceMessage: 'ELLA 2.0.0 is being tested.',
        status: 'in_progress',
        createdBy: by,
        createdAt: now,
        steps: {
          create: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((number) => ({
            number,
            status:
              number < 3 ? ('done' as const) : number === 3 ? ('running' as const) : ('pending' as const),
            ...(number <= 3 ? { action: 'run', actor: by, startedAt: now, attempts: 1 } : {}),
            ...(number < 3 ? { finishedAt: now, output: { confirmed: true } } : {}),
            ...(number === 3 ? { backupId: backup.id, output: { backupId: backup.id.toString() } } : {}),
          })),
        },
      },
    });
    waitingId = seeded.id.toString();
    const { context, page } = await openWindow(browser);
    try {
      await step('release refresh', [page], async () => {
        await signInAs(page, h.baseUrl, 'vw404');
        await page.clock.install();
        await page.goto(`${h.baseUrl}/release/${waitingId}`);
        expect(await page.locator('#refresh-toggle').textContent()).toBe('Pause refreshing');
        expect(await page.locator(`a[href="/release/${waitingId}?refresh=on"]`).isVisible()).toBe(false);
        expect(await page.locator('li#step-3').getAttribute('class')).toContain('step-running');
        await page.clock.runFor(11_000);
        expect(await page.locator('#release-refresh').count()).toBe(1);
        await h.t.prisma.ellaBackup.update({
          where: { id: backup.id },
          data: { status: 'failed', finishedAt: new Date(), error: 'pg_dump: error: connection refused' },
        });
        // The page fetches itself every 10 s, and sets its next timer when the fetch has come back
        // (real time): the clock moved a second at a time until the page is loaded anew, so that a
        // fetch still on its way when the clock moves on is not left with a timer never reached.
        for (let second = 0; second < 60; second += 1) {
          if ((await page.locator('li#step-3.step-failed').count()) > 0) break;
          await page.clock.runFor(1_000);
        }
        await page.waitForSelector('li#step-3.step-failed');
        expect(await page.locator('#release-refresh').count()).toBe(0);
        expect(await page.textContent('li#step-3')).toContain('pg_dump: error: connection refused');
      });
    } finally {
      await context.close();
    }
  });

  async function violations(page: Page, pagePath: string): Promise<Violation[]> {
    await page.goto(`${h.baseUrl}${pagePath}`);
    await page.evaluate(axeSource);
    const found = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe;
      return (await axe.run()).violations;
    });
    return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }

  it('passes axe on every page (no serious or critical violation)', async () => {
    const pages: [Page, string][] = [
      [olga, '/'],
      [olga, '/instance/prod'],
      [olga, '/instance/dr'],
      [olga, '/instance/offline'],
      [olga, '/instance/prod/logs/api'],
      [walt, '/'],
      [walt, '/instance/prod'],
      [walt, '/instance/nope'], // the 404 page
      [olga, `/release/${releaseId}`], // a failed step: its error, output, run again, skip, abort
      [walt, `/release/${releaseId}`],
      [olga, `/release/${waitingId}`], // step 3 failed after its backup
      [walt, '/release/999999'], // the 404 page
      [nina, '/'], // the 403 page
    ];
    const report: Record<string, { id: string; help: string; targets: string[] }[]> = {};
    for (const [page, pagePath] of pages) {
      const found = await step(`axe ${pagePath}`, [page], () => violations(page, pagePath));
      if (found.length > 0) {
        report[pagePath] = found.map((v) => ({
          id: v.id,
          help: v.help,
          targets: v.nodes.map((n) => n.target.join(' ')),
        }));
      }
    }
    expect(report).toEqual({});
  });

  it('shows the problems of a form next to its field, after the server refused it', async () => {
    await step('a blank reason', [olga], async () => {
      await olga.goto(`${h.baseUrl}/instance/prod`);
      const row = olga.locator('tr#program-api');
      // Blanks pass the browser's own checks (required, minlength); the server trims them and says why.
      await row.locator('input[name="reason"]').fill('    ');
      await row.locator('button[value="stop"]').click();
      await olga.waitForSelector('.error-summary');
      expect(await olga.locator('tr#program-api .field-error').textContent()).toContain(
        'must be at least 3 characters',
      );
      expect(await stateOf('api')).toBe('RUNNING');
    });
  });
});
