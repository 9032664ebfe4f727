// The operators' pages over HTTP, as a browser without JavaScript uses them: the real AppModule
// listening on a port, people signing in through the real OIDC provider (simulators/oidc; roles by
// address and by the ID token's groups claim), real supervisords, a real ELLA database of the test's
// own and the ELLA API stand-in. Who sees what, who may act (a viewer's POST is refused whatever the
// page showed, and changes nothing), CSRF, the audit trail with the reason, problems next to fields,
// refusals (409) and unreachable instances (502) as readable pages, the error pages and headers.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestBrowser } from '@app/testing';
import { EllaSimulator } from '../../../simulators/ella/ella.simulator.js';
import { PATIENT_STATE_MARKER } from '../../../simulators/ella/ella-demo-data.js';
import { FixedClock } from '../src/clock.js';
import { createEllaTestDatabase, type EllaTestDatabase } from './ella-database.fixture.js';
import { type EllaOpsHarness, type SignedInBrowser, startEllaOps } from './ella-ops.harness.js';
import { supervisordInstalled, waitFor } from './supervisord.harness.js';

const describeWith = supervisordInstalled ? describe : describe.skip;
const NOW = new Date('2026-11-26T10:00:00.000Z');

describeWith('ella-ops pages', () => {
  let h: EllaOpsHarness;
  let ella: EllaTestDatabase;
  let api: EllaSimulator;
  let operator: SignedInBrowser; // by address
  let groupOperator: SignedInBrowser; // by group
  let viewer: SignedInBrowser; // by address
  let groupViewer: SignedInBrowser; // by group
  let nobody: SignedInBrowser;
  let backupDir: string;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    ella = await createEllaTestDatabase(NOW);
    api = new EllaSimulator({ databaseUrl: ella.ownerUrl, instances: { prod: undefined } });
    await api.start();
    const ellaUrl = api.instanceUrl('prod');
    backupDir = await mkdtemp(path.join(os.tmpdir(), 'ella-ops-pages-'));
    h = await startEllaOps({
      databaseUrl: ella.readerUrl,
      ellaUrl,
      clock,
      signIn: true,
      backupUrl: pathToFileURL(backupDir).href,
    });
    [operator, groupOperator, viewer, groupViewer, nobody] = await Promise.all([
      h.signIn('op101'),
      h.signIn('og202'),
      h.signIn('vw404'),
      h.signIn('vg303'),
      h.signIn('nb505'),
    ]);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await api?.close();
    await ella?.drop();
    if (backupDir !== undefined) await rm(backupDir, { recursive: true, force: true });
  });

  const url = (path: string) => `${h.baseUrl}${path}`;
  const get = (who: SignedInBrowser | TestBrowser, path: string) =>
    ('browser' in who ? who.browser : who).request(url(path));
  const post = (who: SignedInBrowser, path: string, form: Record<string, string>, csrf = true) =>
    who.browser.request(url(path), {
      form: csrf ? { _csrf: who.csrf, ...form } : form,
      headers: { origin: h.baseUrl },
    });
  const audits = (entityId: string) =>
    h.t.prisma.auditEvent.findMany({ where: { app: 'ella-ops', entityId }, orderBy: { id: 'asc' } });
  const stateOf = async (program: string) => (await h.prod.client.getProcessInfo(program)).statename;

  describe('sign-in and roles', () => {
    it('sends an unauthenticated browser to sign in from every page, and refuses its POST', async () => {
      const { TestBrowser } = await import('@app/testing');
      const anonymous = new TestBrowser();
      for (const path of ['/', '/instance/prod', '/instance/prod/logs/api', '/instance/prod/ui-exceptions']) {
        const r = await anonymous.request(url(path));
        expect(r.status).toBe(302);
        expect(r.location).toBe(url(`/auth/login?returnTo=${encodeURIComponent(path)}`));
      }
      const r = await anonymous.request(url('/instance/prod/programs/api'), {
        form: { action: 'stop', reason: 'no session here' },
      });
      expect(r.status).toBe(302);
      expect(await stateOf('api')).toBe('RUNNING');
    });

    it('gives roles by address and by the groups claim, and no role to others', async () => {
      expect(operator.roles).toEqual(['operator']);
      expect(groupOperator.roles).toEqual(['operator']);
      expect(viewer.roles).toEqual(['viewer']);
      expect(groupViewer.roles).toEqual(['viewer']);
      expect(nobody.roles).toEqual([]);
      const refused = await get(nobody, '/');
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('Not allowed');
      // Not called a viewer: told what they lack and whom to ask.
      expect(refused.text).toContain('Nina Nobody (no role)');
      expect(refused.text).toContain('you are neither a viewer nor an operator');
      expect((await get(viewer, '/instance/prod/nothing-here')).text).not.toContain('neither a viewer');
    });
  });

  describe('the overview', () => {
    it('shows every instance: process states, figures, broadcasts, and a down instance without stalling', async () => {
      const started = Date.now();
      const page = await get(viewer, '/');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<a href="/instance/prod">prod</a>');
      expect(page.text).toContain('<a href="/instance/dr">dr</a>');
      expect(page.text).toMatch(/id="instance-prod"[\s\S]*api <span class="state-good">RUNNING<\/span>/);
      expect(page.text).toMatch(/id="instance-dr"[\s\S]*api <span class="state-other">STOPPED<\/span>/);
      // The offline instance's supervisord refuses connections: said on its row.
      expect(page.text).toMatch(/id="instance-offline"[\s\S]*unreachable/);
      // The demo data's active broadcast on prod (the same ELLA database serves dr).
      expect(page.text).toMatch(/id="instance-prod"[\s\S]*<ul><li>[^<]+<\/li><\/ul>/);
      expect(page.text).toContain('requests,');
      expect(Date.now() - started).toBeLessThan(10_000);
      // Refreshing: a script under the CSP, and without JavaScript a link that turns on <meta refresh>.
      expect(page.text).toMatch(/<script src="\/static\/[0-9a-f]{16}\/refresh\.js" defer><\/script>/);
      expect(page.text).not.toContain('http-equiv="refresh"');
      expect((await get(viewer, '/?refresh=on')).text).toContain('<meta http-equiv="refresh" content="30">');
    });

    it("lists the monitor's open alerts by instance", async () => {
      await h.t.prisma.ellaAlert.create({
        data: {
          key: 'prod:backup',
          instance: 'prod',
          check: 'backup',
          message: 'no verified backup',
          startedAt: NOW,
          lastSentAt: NOW,
        },
      });
      const page = await get(viewer, '/');
      expect(page.text).toMatch(/id="instance-prod"[\s\S]*<strong>backup<\/strong>: no verified backup/);
      await h.t.prisma.ellaAlert.deleteMany({ where: { key: 'prod:backup' } });
    });

    it('sends the pages their headers: strict CSP, never framed, same-origin referrer, no caching', async () => {
      const page = await get(viewer, '/');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(page.headers.get('referrer-policy')).toBe('same-origin');
      expect(page.headers.get('cache-control')).toBe('private, no-store');
      expect(page.text).not.toMatch(/<script>|<script [^>]*>[^<]+<\/script>| on[a-z]+="/);
      // The platform's stylesheet (libs/service, as storage-gateway's pages), then ELLA operations' own.
      const sheets = [...page.text.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]);
      expect(sheets).toEqual([
        expect.stringMatching(/^\/static\/[0-9a-f]{16}\/platform\.css$/),
        expect.stringMatching(/^\/static\/[0-9a-f]{16}\/app\.css$/),
      ]);
      for (const css of sheets) {
        const file = await fetch(`${h.baseUrl}${css ?? ''}`);
        expect([file.status, file.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
        expect(await file.text()).toContain(
          css?.endsWith('platform.css') === true ? ':root {' : '.state-good {',
        );
      }
    });
  });

  describe('the instance page', () => {
    it('shows a viewer everything but no action form', async () => {
      for (const who of [viewer, groupViewer]) {
        const page = await get(who, '/instance/prod');
        expect(page.status).toBe(200);
        expect(page.text).toContain('<th scope="row">api</th>');
        expect(page.text).toContain('href="/instance/prod/logs/api"');
        expect(page.text).toContain('only operators can act');
        expect(page.text).not.toMatch(/<form method="post" action="\/instance\//);
        expect(page.text).not.toContain('<button type="submit" name="action"');
        // Health, UI exceptions (grouped) and backups are there; a UI exception's state never is.
        expect(page.text).toContain('<h2>Health</h2>');
        expect(page.text).toContain('grouped by message');
        expect(page.text).toContain('No backup yet.');
        expect(page.text).not.toContain(PATIENT_STATE_MARKER);
      }
    });

    it('shows an operator the forms, each with the CSRF token and a required reason', async () => {
      const page = await get(groupOperator, '/instance/prod');
      expect(page.text).toContain('<form method="post" action="/instance/prod/programs/api"');
      expect(page.text).toContain('action="/instance/prod/all"');
      expect(page.text).toContain('action="/instance/prod/broadcasts"');
      expect(page.text).toContain('action="/instance/prod/backups"');
      const forms = page.text.match(/<form method="post" action="\/instance\/[^"]+"[\s\S]*?<\/form>/g) ?? [];
      expect(forms.length).toBeGreaterThan(5);
      for (const form of forms) {
        expect(form).toContain(`name="_csrf" value="${groupOperator.csrf}"`);
        expect(form).toMatch(/name="reason"[^>]*required/);
      }
    });

    it('answers 404 pages for an unknown instance or program log', async () => {
      const unknown = await get(viewer, '/instance/nope');
      expect(unknown.status).toBe(404);
      expect(unknown.text).toContain('instance');
      expect(unknown.text).toContain('Back to the overview');
      expect((await get(viewer, '/instance/prod/logs/nope')).status).toBe(404);
      expect((await get(viewer, '/no/such/page')).status).toBe(404);
    });

    it("shows a program's log and the UI exceptions with their stacks, never their state", async () => {
      const log = await get(viewer, '/instance/prod/logs/api');
      expect(log.status).toBe(200);
      expect(log.text).toContain('<pre class="log"');
      const exceptions = await get(viewer, '/instance/prod/ui-exceptions');
      expect(exceptions.status).toBe(200);
      expect(exceptions.text).toContain('Stack trace');
      expect(exceptions.text).not.toContain(PATIENT_STATE_MARKER);
    });
  });

  describe('actions', () => {
    it("refuses a viewer's POST with the 403 page and changes nothing, whatever the form", async () => {
      const before = await h.t.prisma.auditEvent.count();
      for (const [path, form] of [
        ['/instance/prod/programs/api', { action: 'stop', reason: 'a viewer trying' }],
        ['/instance/prod/all', { action: 'stop', reason: 'a viewer trying' }],
        ['/instance/prod/broadcasts', { message: 'hello', reason: 'a viewer trying' }],
        ['/instance/prod/broadcasts/1/deactivate', { reason: 'a viewer trying' }],
        ['/instance/prod/backups', { reason: 'a viewer trying' }],
      ] as const) {
        const r = await post(viewer, path, form);
        expect(r.status).toBe(403);
        expect(r.text).toContain('does not have the operator role');
      }
      expect(await stateOf('api')).toBe('RUNNING');
      expect(await h.t.prisma.auditEvent.count()).toBe(before);
      expect(await h.t.prisma.ellaBackup.count()).toBe(0);
    });

    it('refuses a POST without the CSRF token (403) or from another site, and changes nothing', async () => {
      const missing = await post(
        operator,
        '/instance/prod/programs/api',
        { action: 'stop', reason: 'no token' },
        false,
      );
      expect(missing.status).toBe(403);
      expect(missing.text).toContain('missing CSRF token');
      const crossSite = await operator.browser.request(url('/instance/prod/programs/api'), {
        form: { _csrf: operator.csrf, action: 'stop', reason: 'from elsewhere' },
        headers: { origin: 'https://evil.example' },
      });
      expect(crossSite.status).toBe(403);
      expect(await stateOf('api')).toBe('RUNNING');
      expect(await audits('prod/api')).toEqual([]);
    });

    it('shows the problem next to the field, with the values kept, for bad input', async () => {
      const noReason = await post(operator, '/instance/prod/programs/api', {
        row: '1',
        action: 'stop',
        reason: ' ',
      });
      expect(noReason.status).toBe(400);
      expect(noReason.text).toMatch(
        /id="program-1-reason-error"><span class="visually-hidden">Error:<\/span> must be at least 3 characters/,
      );
      expect(noReason.text).toContain('aria-describedby="program-1-reason-error"');
      const badEnd = await post(operator, '/instance/prod/broadcasts', {
        message: 'Down at six',
        reason: 'release',
        endsAt: 'tomorrow',
      });
      expect(badEnd.status).toBe(400);
      expect(badEnd.text).toContain('id="broadcast-endsAt-error"');
      expect(badEnd.text).toContain('value="Down at six"');
      const past = await post(operator, '/instance/prod/broadcasts', {
        message: 'Down at six',
        reason: 'release',
        endsAt: '2020-01-01 18:00',
      });
      expect(past.status).toBe(400);
      expect(past.text).toMatch(/id="broadcast-endsAt-error">[\s\S]*must be in the future/);
      const noAction = await post(operator, '/instance/prod/all', { action: 'reboot', reason: 'drill' });
      expect(noAction.status).toBe(400);
      expect(noAction.text).toContain('Choose start all or stop all');
      expect(await audits('prod/api')).toEqual([]);
      expect(await stateOf('api')).toBe('RUNNING');
    });

    it('stops and starts a program with the reason, audited, and says so on the page (post/redirect/get)', async () => {
      const stopped = await post(operator, '/instance/prod/programs/api', {
        row: '1',
        action: 'stop',
        reason: 'pages e2e: stopping api',
      });
      expect(stopped.status).toBe(303);
      expect(stopped.location).toBe(url('/instance/prod'));
      expect(await stateOf('api')).toBe('STOPPED');
      const shown = await get(operator, '/instance/prod');
      expect(shown.text).toContain('role="status" id="flash">api: stop done, now STOPPED');
      // Shown once.
      expect((await get(operator, '/instance/prod')).text).not.toContain('id="flash"');
      const started = await post(operator, '/instance/prod/programs/api', {
        row: '1',
        action: 'start',
        reason: 'pages e2e: starting api again',
      });
      expect(started.status).toBe(303);
      await waitFor('api running', async () => (await stateOf('api')) === 'RUNNING');
      const rows = await audits('prod/api');
      expect(rows.map((r) => [r.action, r.actor, r.reason])).toEqual([
        ['program.stop', 'op101@uni.example.ac.uk', 'pages e2e: stopping api'],
        ['program.start', 'op101@uni.example.ac.uk', 'pages e2e: starting api again'],
      ]);
    });

    it('shows the failover refusal (409) and an unreachable supervisord (502) as readable pages', async () => {
      const refused = await post(operator, '/instance/dr/all', { action: 'start', reason: 'failover drill' });
      expect(refused.status).toBe(409);
      expect(refused.text).toMatch(
        /role="alert" id="flash">ELLA cannot start on failover &quot;dr&quot; while programs run on primary &quot;prod&quot;/,
      );
      expect(refused.text).toContain('value="failover drill"');
      const unreachable = await post(operator, '/instance/offline/programs/api', {
        row: '0',
        action: 'stop',
        reason: 'offline drill',
      });
      expect(unreachable.status).toBe(502);
      expect(unreachable.text).toMatch(
        /id="flash">supervisord of instance &quot;offline&quot; is unreachable/,
      );
    });

    it('backs up now with a reason, and shows a failed backup readably', async () => {
      // The gateway reads ELLA here through a role that may not read uiexception.state: pg_dump, which
      // reads every table whole, is refused (README: a backed-up instance needs a role that reads all).
      const made = await post(operator, '/instance/prod/backups', { reason: 'before the release' });
      expect(made.status).toBe(303);
      // The backup runs as a task of the app's own queue: the flash says it started.
      expect((await get(operator, '/instance/prod')).text).toMatch(
        /id="flash">Backup \d+ started: it runs in the background/,
      );
      await h.queue.drained();
      const row = await h.t.prisma.ellaBackup.findFirstOrThrow({ where: { instance: 'prod' } });
      expect(row).toMatchObject({
        status: 'failed',
        createdBy: 'op101@uni.example.ac.uk',
        reason: 'before the release',
      });
      expect(row.error).toMatch(/permission denied/);
      const page = await get(viewer, '/instance/prod');
      expect(page.text).toContain('<span class="state-bad">failed</span>: ');
      expect(page.text).toContain('op101@uni.example.ac.uk: before the release');
      // The flash was the operator's, shown on their next page only.
      expect(page.text).not.toContain('id="flash"');
      expect((await get(operator, '/instance/prod')).text).not.toContain('id="flash"');
    }, 60_000);

    it('posts and deactivates a broadcast with reasons', async () => {
      const posted = await post(operator, '/instance/prod/broadcasts', {
        message: 'ELLA is down for an upgrade at 18:00',
        reason: 'release 1.18',
        endsAt: '2030-01-01 19:00',
      });
      expect(posted.status).toBe(303);
      const page = await get(operator, '/instance/prod');
      const id = /id="flash">Broadcast (\d+) posted/.exec(page.text)?.[1];
      expect(id).toBeDefined();
      expect(page.text).toContain('ELLA is down for an upgrade at 18:00');
      expect(page.text).toContain('until 2030-01-01 19:00:00 UTC');
      const done = await post(operator, `/instance/prod/broadcasts/${id}/deactivate`, {
        reason: 'release done',
      });
      expect(done.status).toBe(303);
      const again = await post(operator, `/instance/prod/broadcasts/${id}/deactivate`, { reason: 'twice' });
      expect(again.status).toBe(409);
      const rows = await audits(`prod/${id}`);
      expect(rows.map((r) => [r.action, r.reason])).toEqual([
        ['broadcast.create', 'release 1.18'],
        ['broadcast.deactivate', 'release done'],
      ]);
    });
  });

  describe('the release runbook', () => {
    let releaseId: string;
    const stepsOf = async (id: string) =>
      (
        await h.t.prisma.ellaReleaseStep.findMany({
          where: { releaseId: BigInt(id) },
          orderBy: { number: 'asc' },
        })
      ).map((s) => [s.number, s.status, s.actor, s.reason]);

    it('lets an operator start a release from the instance page (problems next to fields first)', async () => {
      const page = await get(operator, '/instance/prod');
      expect(page.text).toContain('<h2 id="releases">Releases</h2>');
      expect(page.text).toContain('No release in progress.');
      expect(page.text).toContain('<form method="post" action="/instance/prod/releases"');
      const bad = await post(operator, '/instance/prod/releases', {
        version: 'one point eighteen',
        notes: 'Faster search',
        expectedAlembicHead: '',
        reason: 'x',
      });
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(
        /id="release-version-error"><span class="visually-hidden">Error:<\/span> must be a version/,
      );
      expect(bad.text).toMatch(
        /id="release-reason-error"><span class="visually-hidden">Error:<\/span> must be at least 3/,
      );
      expect(bad.text).toContain('>Faster search</textarea>');
      expect(await h.t.prisma.ellaRelease.count()).toBe(0);
      const started = await post(operator, '/instance/prod/releases', {
        version: '1.18.0',
        notes: 'Faster search\nNew filters',
        expectedAlembicHead: '',
        downtimeMessage: '',
        acceptanceMessage: '',
        reason: 'pages e2e: release 1.18.0',
      });
      expect(started.status).toBe(303);
      const row = await h.t.prisma.ellaRelease.findFirstOrThrow({ where: { instance: 'prod' } });
      releaseId = row.id.toString();
      expect(started.location).toBe(url(`/release/${releaseId}`));
      expect(row).toMatchObject({
        version: '1.18.0',
        notes: 'Faster search\nNew filters',
        expectedAlembicHead: null,
        status: 'in_progress',
        createdBy: 'op101@uni.example.ac.uk',
        downtimeMessage: 'ELLA is down for an upgrade to 1.18.0.',
      });
      const shown = await get(operator, `/release/${releaseId}`);
      expect(shown.status).toBe(200);
      expect(shown.text).toContain(
        `role="status" id="flash">Release ${releaseId} (1.18.0) started: step 1 is next`,
      );
      // A second release of the instance is refused while this one is open: shown, values kept.
      const second = await post(operator, '/instance/prod/releases', {
        version: '1.19.0',
        reason: 'too soon',
      });
      expect(second.status).toBe(409);
      expect(second.text).toMatch(
        /role="alert" id="flash">release \d+ \(1\.18\.0\) of instance &quot;prod&quot; is in progress/,
      );
      expect(second.text).toContain('value="1.19.0"');
      expect(await h.t.prisma.ellaRelease.count()).toBe(1);
      // The instance page links the open release.
      expect((await get(viewer, '/instance/prod')).text).toMatch(
        new RegExp(`id="open-release">Open: <a href="/release/${releaseId}">Release 1.18.0</a>`),
      );
    });

    it('shows a viewer the release page without forms, and refuses their POSTs (403, nothing changes)', async () => {
      const page = await get(viewer, `/release/${releaseId}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Release 1.18.0 on <a href="/instance/prod">prod</a></h1>');
      expect(page.text).toContain('only operators can act');
      for (const [n, title] of [
        [1, 'Broadcast the downtime'],
        [5, 'Migrate the database (alembic head)'],
        [9, 'Remove the broadcast and email the users'],
      ] as const) {
        expect(page.text).toContain(`<li id="step-${n}"`);
        expect(page.text).toContain(`${n}. ${title}`);
      }
      expect(page.text).not.toContain('<form method="post" action="/release/');
      const before = await h.t.prisma.auditEvent.count();
      for (const [path, form] of [
        [`/release/${releaseId}/steps/1`, { action: 'run', reason: 'a viewer trying' }],
        [`/release/${releaseId}/steps/1`, { action: 'skip', reason: 'a viewer trying' }],
        [`/release/${releaseId}/abort`, { reason: 'a viewer trying' }],
        ['/instance/prod/releases', { version: '2.0.0', reason: 'a viewer trying' }],
      ] as const) {
        const r = await post(viewer, path, form);
        expect(r.status).toBe(403);
        expect(r.text).toContain('does not have the operator role');
      }
      expect(await h.t.prisma.auditEvent.count()).toBe(before);
      expect((await stepsOf(releaseId)).every(([, status]) => status === 'pending')).toBe(true);
      expect(await h.t.prisma.ellaRelease.count()).toBe(1);
    });

    it('answers the 404 page for an unknown release, and 400 for an address that is not one', async () => {
      const unknown = await get(viewer, '/release/999999');
      expect(unknown.status).toBe(404);
      expect(unknown.text).toContain('there is no release 999999');
      expect((await get(viewer, '/release/abc')).status).toBe(400);
      expect((await post(operator, `/release/${releaseId}/steps/12`, { action: 'run' })).status).toBe(400);
    });

    it('runs step 1 from the release page with the operator and the reason audited', async () => {
      const page = await get(operator, `/release/${releaseId}`);
      // Only the next step has forms: run (reason optional) and skip (reason required); and abort.
      expect(page.text).toContain(`action="/release/${releaseId}/steps/1"`);
      expect(page.text).not.toContain(`action="/release/${releaseId}/steps/2"`);
      expect(page.text).toContain(`action="/release/${releaseId}/abort"`);
      const forms = page.text.match(/<form method="post" action="\/release\/[^"]+"[\s\S]*?<\/form>/g) ?? [];
      expect(forms).toHaveLength(3);
      for (const form of forms) expect(form).toContain(`name="_csrf" value="${operator.csrf}"`);
      const ran = await post(operator, `/release/${releaseId}/steps/1`, {
        action: 'run',
        reason: 'pages e2e: announce the downtime',
      });
      expect(ran.status).toBe(303);
      expect(ran.location).toBe(url(`/release/${releaseId}`));
      const shown = await get(operator, `/release/${releaseId}`);
      expect(shown.text).toContain('id="flash">Step 1 (Broadcast the downtime): done');
      expect(shown.text).toMatch(
        /<li id="step-1" class="step step-done">[\s\S]*op101@uni\.example\.ac\.uk \(run\)[\s\S]*pages e2e: announce the downtime/,
      );
      // The output, readable: its JSON pretty-printed.
      expect(shown.text).toMatch(
        /&quot;message&quot;: &quot;ELLA is down for an upgrade to 1\.18\.0\.&quot;,\n {2}&quot;broadcastId&quot;: \d+/,
      );
      expect(shown.text).toContain(`action="/release/${releaseId}/steps/2"`);
      expect(await stepsOf(releaseId)).toContainEqual([
        1,
        'done',
        'op101@uni.example.ac.uk',
        'pages e2e: announce the downtime',
      ]);
      const rows = await audits(`prod/${releaseId}/1`);
      expect(rows.map((r) => [r.action, r.actor, r.reason])).toEqual([
        ['release.step.run', 'op101@uni.example.ac.uk', 'pages e2e: announce the downtime'],
      ]);
      // The downtime broadcast is up on the instance.
      expect((await get(viewer, '/instance/prod')).text).toContain('ELLA is down for an upgrade to 1.18.0.');
    });

    it('shows a skip without a reason next to its field, and changes nothing', async () => {
      const before = await h.t.prisma.auditEvent.count();
      const skipped = await post(operator, `/release/${releaseId}/steps/2`, { action: 'skip', reason: '' });
      expect(skipped.status).toBe(400);
      expect(skipped.text).toMatch(
        /id="skip-2-reason-error"><span class="visually-hidden">Error:<\/span> is required to skip a step/,
      );
      expect(skipped.text).toContain('aria-describedby="skip-2-reason-error"');
      expect(skipped.text).toContain('<a href="#skip-2-reason">is required to skip a step</a>');
      const short = await post(operator, `/release/${releaseId}/steps/2`, { action: 'skip', reason: 'no' });
      expect(short.status).toBe(400);
      expect(short.text).toMatch(/id="skip-2-reason-error">[\s\S]*must be at least 3 characters/);
      expect(short.text).toContain('id="skip-2-reason" name="reason" value="no"');
      const noAction = await post(operator, `/release/${releaseId}/steps/2`, { action: 'jump' });
      expect(noAction.status).toBe(400);
      expect(noAction.text).toContain('Choose run, confirm or skip');
      expect(await h.t.prisma.auditEvent.count()).toBe(before);
      expect((await stepsOf(releaseId))[1]).toEqual([2, 'pending', null, null]);
    });

    it('shows an out-of-order step as a refusal (409) with the values kept, and changes nothing', async () => {
      const refused = await post(operator, `/release/${releaseId}/steps/3`, {
        action: 'run',
        reason: 'pages e2e: too early',
      });
      expect(refused.status).toBe(409);
      expect(refused.text).toMatch(
        /role="alert" id="flash">step 3 \(Back up the database \(verified\)\) comes after step 2 \(Stop ELLA\), which is pending/,
      );
      const wrongAction = await post(operator, `/release/${releaseId}/steps/2`, {
        action: 'confirm',
        reason: 'pages e2e: confirm a run step',
      });
      expect(wrongAction.status).toBe(400);
      expect(wrongAction.text).toMatch(
        /id="step-2-form"[^>]*><span class="visually-hidden">Error:<\/span> step 2 \(Stop ELLA\) is run, not confirmed/,
      );
      expect(wrongAction.text).toContain(
        'id="step-2-reason" name="reason" value="pages e2e: confirm a run step"',
      );
      const steps = await stepsOf(releaseId);
      expect(steps.slice(1).every(([, status]) => status === 'pending')).toBe(true);
      expect(await h.t.prisma.ellaBackup.count({ where: { reason: 'pages e2e: too early' } })).toBe(0);
      // The refusal is audited (as the API's are), with its message.
      const rows = await audits(`prod/${releaseId}/3`);
      expect(rows.map((r) => [r.action, r.actor, r.reason])).toEqual([
        ['release.step.run', 'op101@uni.example.ac.uk', 'pages e2e: too early'],
      ]);
      expect(rows[0]?.after).toMatchObject({ outcome: 'refused' });
    });

    it('shows the release in progress on the overview, with its next step', async () => {
      const page = await get(viewer, '/');
      expect(page.text).toContain('<th scope="col">Release in progress</th>');
      expect(page.text).toMatch(
        new RegExp(
          `id="instance-prod"[\\s\\S]*<a href="/release/${releaseId}">Release 1\\.18\\.0</a>: <span class="state-other">in progress</span>\\s*<br>next: step 2, Stop ELLA`,
        ),
      );
      expect(page.text).toMatch(/id="instance-dr"[\s\S]*<td class="release">\s*none/);
    });

    it('aborts the release with a reason, audited; then no form is left', async () => {
      const blank = await post(operator, `/release/${releaseId}/abort`, { reason: '' });
      expect(blank.status).toBe(400);
      expect(blank.text).toContain('id="abort-reason-error"');
      const aborted = await post(operator, `/release/${releaseId}/abort`, { reason: 'pages e2e: not today' });
      expect(aborted.status).toBe(303);
      const page = await get(operator, `/release/${releaseId}`);
      expect(page.text).toContain(`id="flash">Release ${releaseId} (1.18.0) aborted`);
      expect(page.text).toContain(
        '<dt>Aborted</dt><dd>by op101@uni.example.ac.uk: pages e2e: not today</dd>',
      );
      expect(page.text).not.toContain('<form method="post" action="/release/');
      const rows = (await audits(`prod/${releaseId}`)).filter((r) => r.entityType === 'ella-release');
      expect(rows.map((r) => [r.action, r.actor, r.reason])).toEqual([
        ['release.start', 'op101@uni.example.ac.uk', 'pages e2e: release 1.18.0'],
        ['release.abort', 'op101@uni.example.ac.uk', 'pages e2e: not today'],
      ]);
      const again = await post(operator, `/release/${releaseId}/abort`, { reason: 'pages e2e: twice' });
      expect(again.status).toBe(409);
      expect(again.text).toContain('role="alert" id="flash">');
      // Finished: listed on the instance page; the overview shows none in progress.
      expect((await get(viewer, '/instance/prod')).text).toMatch(
        new RegExp(
          `<a href="/release/${releaseId}">Release 1\\.18\\.0</a></td><td><span class="state-other">aborted</span>: pages e2e: not today`,
        ),
      );
      expect((await get(viewer, '/')).text).toMatch(/id="instance-prod"[\s\S]*<td class="release">\s*none/);
    });

    it('says so while step 3 waits for its backup, refreshes until it has ended, then shows how it ended', async () => {
      // A release of dr standing at step 3 with its backup still running (rows as the runbook leaves
      // them; the backup task of this ELLA database would fail at once, too fast to see it running).
      const by = 'op101@uni.example.ac.uk';
      const backup = await h.t.prisma.ellaBackup.create({
        data: {
          instance: 'dr',
          object: 'dr/20261126T100000Z.dump',
          status: 'running',
          startedAt: NOW,
          workStartedAt: NOW,
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
          acceptanceMessage: 'ELLA 2.0.0 is being tested; please wait until the test is over.',
          status: 'in_progress',
          createdBy: by,
          createdAt: NOW,
          steps: {
            create: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((number) => ({
              number,
              status:
                number < 3 ? ('done' as const) : number === 3 ? ('running' as const) : ('pending' as const),
              ...(number <= 3 ? { action: 'run', actor: by, startedAt: NOW, attempts: 1 } : {}),
              ...(number < 3 ? { finishedAt: NOW, output: { confirmed: true } } : {}),
              ...(number === 3
                ? { backupId: backup.id, output: { backupId: backup.id.toString(), status: 'running' } }
                : {}),
            })),
          },
        },
      });
      const id = seeded.id.toString();
      const page = await get(operator, `/release/${id}`);
      expect(page.text).toContain('id="backup-running">Step 3 is backing up the database in the background');
      expect(page.text).toContain('<div id="release-refresh" data-refresh-seconds="10"');
      expect(page.text).toMatch(/<script src="\/static\/[0-9a-f]{16}\/refresh\.js" defer><\/script>/);
      expect(page.text).toContain(`<a href="/release/${id}?refresh=on" class="no-js-only">`);
      expect(page.text).not.toContain('http-equiv="refresh"');
      expect(page.text).toContain(`<a href="/instance/dr#backup-${backup.id}">Backup ${backup.id}</a>`);
      // Nothing to run while the backup runs; abort stays.
      expect(page.text).not.toContain(`action="/release/${id}/steps/3"`);
      expect(page.text).toContain(`action="/release/${id}/abort"`);
      const refreshing = await get(viewer, `/release/${id}?refresh=on`);
      expect(refreshing.text).toContain('<meta http-equiv="refresh" content="10">');
      expect(refreshing.text).toContain(`<a href="/release/${id}">Stop refreshing</a>`);
      // Running it again meanwhile is refused, naming the backup's state.
      const again = await post(operator, `/release/${id}/steps/3`, {
        action: 'run',
        reason: 'pages e2e: again',
      });
      expect(again.status).toBe(409);
      expect(again.text).toContain(`is running: backup ${backup.id} is running`);
      // The backup ends (as the task ends it): the page shows step 3 failed, stops refreshing, offers the forms.
      await h.t.prisma.ellaBackup.update({
        where: { id: backup.id },
        data: { status: 'failed', finishedAt: NOW, error: 'pg_dump: error: connection refused' },
      });
      const ended = await get(operator, `/release/${id}?refresh=on`);
      expect(ended.text).not.toContain('id="release-refresh"');
      expect(ended.text).not.toContain('http-equiv="refresh"');
      expect(ended.text).toMatch(/<li id="step-3" class="step step-failed step-next">/);
      expect(ended.text).toContain(`backup ${backup.id} failed: pg_dump: error: connection refused`);
      expect(ended.text).toContain('>Run again</button>');
      expect((await get(viewer, '/')).text).toMatch(
        new RegExp(
          `id="instance-dr"[\\s\\S]*<a href="/release/${id}">Release 2\\.0\\.0</a>: <span class="state-bad">stopped at a failed step</span>`,
        ),
      );
      expect((await post(operator, `/release/${id}/abort`, { reason: 'pages e2e: done here' })).status).toBe(
        303,
      );
    });

    it('skips steps with their reasons, and offers only "confirm" for step 5 without an expected head', async () => {
      const started = await post(operator, '/instance/dr/releases', {
        version: '2.1.0',
        reason: 'pages e2e: skips',
      });
      expect(started.status).toBe(303);
      const id = /\/release\/(\d+)$/.exec(started.location ?? '')?.[1] ?? '';
      for (const n of [1, 2, 3, 4]) {
        const skipped = await post(operator, `/release/${id}/steps/${n}`, {
          action: 'skip',
          reason: `pages e2e: skip ${n}`,
        });
        expect(skipped.status).toBe(303);
      }
      const page = await get(operator, `/release/${id}`);
      expect(page.text).toContain('id="flash">Step 4 (Switch to the new image (on the VM)): skipped');
      const step5 =
        /<form method="post" action="\/release\/\d+\/steps\/5" class="act wide" aria-label="Confirm step 5">[\s\S]*?<\/form>/.exec(
          page.text,
        )?.[0] ?? '';
      expect(step5).toContain('<button type="submit" name="action" value="confirm">');
      expect(step5).not.toContain('value="run"');
      const confirmed = await post(operator, `/release/${id}/steps/5`, { action: 'confirm', reason: '' });
      expect(confirmed.status).toBe(303);
      const after = await get(viewer, `/release/${id}`);
      // The head found, recorded in the output (no reason given: the default one, audited).
      expect(after.text).toMatch(
        /<li id="step-5" class="step step-done">[\s\S]*&quot;heads&quot;: \[\n\s+&quot;[0-9a-z_]+&quot;/,
      );
      expect((await stepsOf(id)).slice(0, 5)).toEqual([
        [1, 'skipped', 'op101@uni.example.ac.uk', 'pages e2e: skip 1'],
        [2, 'skipped', 'op101@uni.example.ac.uk', 'pages e2e: skip 2'],
        [3, 'skipped', 'op101@uni.example.ac.uk', 'pages e2e: skip 3'],
        [4, 'skipped', 'op101@uni.example.ac.uk', 'pages e2e: skip 4'],
        [5, 'done', 'op101@uni.example.ac.uk', null],
      ]);
      const rows = await audits(`dr/${id}/5`);
      expect(rows.map((r) => [r.action, r.reason])).toEqual([
        ['release.step.confirm', 'release 2.1.0: step 5 (Migrate the database (alembic head))'],
      ]);
      expect((await post(operator, `/release/${id}/abort`, { reason: 'pages e2e: done here' })).status).toBe(
        303,
      );
    });
  });
});

describeWith('ella-ops overview with an instance that never answers', () => {
  let h: EllaOpsHarness;
  let silent: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers: supervisord, the database and ELLA's API all hang.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const instances = [
      {
        name: 'stuck',
        role: 'staging',
        supervisorUrl: `http://${address}/RPC2`,
        databaseUrl: `postgresql://ella@${address}/ella`,
        ellaUrl: `http://${address}/`,
        backupUrl: 'file:///tmp/ella-backups',
      },
    ];
    h = await startEllaOps({
      signIn: true,
      // Each call may take a minute; the overview waits 5 s for each part.
      env: {
        ELLA_INSTANCES: JSON.stringify(instances),
        SUPERVISOR_TIMEOUT_MS: '60000',
        SUPERVISOR_READ_ATTEMPTS: '1',
        ELLA_TIMEOUT_MS: '60000',
      },
    });
  }, 60_000);
  afterAll(async () => {
    // Stop taking connections first, so that no call the app still makes hangs on a new one.
    const closed = new Promise((resolve) =>
      silent === undefined ? resolve(undefined) : silent.close(resolve),
    );
    for (const socket of sockets) socket.destroy();
    await closed;
    await h?.close();
  }, 60_000);

  it('answers within its part limit, saying which part did not answer', async () => {
    const viewer = await h.signIn('vw404');
    const started = Date.now();
    const page = await viewer.browser.request(`${h.baseUrl}/`);
    const ms = Date.now() - started;
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/id="instance-stuck"[\s\S]*health: no answer within 5000 ms/);
    expect(ms).toBeGreaterThanOrEqual(4_900);
    expect(ms).toBeLessThan(15_000);
  }, 30_000);
});
