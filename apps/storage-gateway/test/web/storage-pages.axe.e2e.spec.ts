// Every page of storage-gateway through axe-core (the accessibility rules engine) in Chromium: no
// serious or critical violation. axe runs in the page through the DevTools protocol (page.evaluate),
// which the pages' strict Content-Security-Policy does not block, so the pages are checked exactly as
// they are served. Skipped, saying why, only when Chromium cannot be launched.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startStorageGateway, type StorageGatewayHarness } from '../storage-gateway.harness.js';
import { launchChromium, openWindow, signInAs, withScreenshots } from './browser.util.js';

jest.setTimeout(120_000);
const launched = await launchChromium();
const title = 'browser' in launched ? 'every page passes axe' : `axe (skipped: ${launched.reason})`;
const maybe = 'browser' in launched ? it : it.skip;
if (!('browser' in launched)) process.stderr.write(`axe specs skipped: ${launched.reason}\n`);

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let h: StorageGatewayHarness;
let browser: Browser;
let rosa: Page;
let ada: Page;
let axeSource: string;
let orderId: string;
let accountId: string;

beforeAll(async () => {
  if (!('browser' in launched)) return;
  browser = launched.browser;
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  h = await startStorageGateway();
  // An order and an account of Rosa's to show, made through the API as a person would.
  const api = await h.signIn('rr101');
  const quote = await api.send('POST', '/api/quotes', {
    kind: 'new',
    productCode: 'RFS',
    sizeTb: 2,
    years: 1,
  });
  const order = await api.send('POST', '/api/orders', {
    quoteId: quote.body.id,
    paymentMethod: 'finance_code',
    paymentReference: 'U.PN.PNLI.AAAA.ELKZ.0000',
    idempotencyKey: 'axe-spec-order-1',
    account: { name: 'Imaging data', departmentCode: 'PN', departmentName: 'Physics' },
  });
  await h.queue.drained();
  orderId = order.body.id as string;
  accountId = order.body.account.id as string;
  rosa = (await openWindow(browser)).page;
  ada = (await openWindow(browser)).page;
  await signInAs(rosa, h.baseUrl, 'rr101');
  await signInAs(ada, h.baseUrl, 'aa303');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function violations(page: Page, path: string): Promise<Violation[]> {
  await page.goto(`${h.baseUrl}${path}`);
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

maybe(title, async () => {
  const pages: [Page, string][] = [
    [rosa, '/'],
    [rosa, '/me'],
    [rosa, '/buy'],
    [rosa, `/orders/${orderId}`],
    [rosa, `/accounts/${accountId}`],
    [rosa, `/accounts/${accountId}/renew`],
    [rosa, `/accounts/${accountId}/increase`],
    [rosa, '/admin/orders'], // the 403 page
    [rosa, '/orders/00000000-0000-4000-8000-000000000000'], // the 404 page
    [ada, '/admin/orders'],
    [ada, `/admin/orders/${orderId}`],
    [ada, '/admin/products'],
    [ada, '/admin/vouchers'],
  ];
  const report: Record<string, { id: string; help: string; targets: string[] }[]> = {};
  for (const [page, path] of pages) {
    const found = await withScreenshots(`axe ${path}`, [page], () => violations(page, path));
    if (found.length > 0) {
      report[path] = found.map((v) => ({
        id: v.id,
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(' ')),
      }));
    }
  }
  expect(report).toEqual({});
});

maybe('axe does report a violation (the check is not vacuous)', async () => {
  await rosa.goto(`${h.baseUrl}/`);
  // A field with no label, added in the browser only: a critical violation axe must name.
  await rosa.locator('main').evaluate((main) => main.insertAdjacentHTML('beforeend', '<input type="text">'));
  await rosa.evaluate(axeSource);
  const found = await rosa.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  expect(found.map((v) => v.id)).toContain('label');
});
