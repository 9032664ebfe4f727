// storage-gateway's pages in a real browser (Debian's Chromium through playwright-core), against the
// whole app: sign-in through the real OIDC provider, cufs-api (real, the CUFS simulator behind it)
// checking payments from the task queue, the storage backend simulator provisioning. Skipped, saying
// why, only when Chromium cannot be launched. A failing step leaves screenshots in
// .data/test-screenshots/storage-pages.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { addDays, addYears, parseCalendarDate } from '../../src/domain/calendar.util.js';
import { date as shownDate } from '../../src/web/format.util.js';
import { startStorageGateway, type StorageGatewayHarness, TODAY } from '../storage-gateway.harness.js';
import { launchChromium, openWindow, signInAs, tabTo, withScreenshots } from './browser.util.js';

const today = parseCalendarDate(TODAY);
const GOOD_CODE = 'U.PN.PNLI.AAAA.ELKZ.0000';
const WRONG_CODE = 'U.PN.PNXX.AAAA.ELKZ.0000';

jest.setTimeout(90_000);
const launched = await launchChromium();
const suite = 'browser' in launched ? describe : describe.skip;
if (!('browser' in launched)) process.stderr.write(`storage pages skipped: ${launched.reason}\n`);
const title =
  'browser' in launched ? 'storage pages in Chromium' : `storage pages (skipped: ${launched.reason})`;

suite(title, () => {
  let h: StorageGatewayHarness;
  let browser: Browser;
  let rosa: Page; // rr101, researcher
  let dev: Page; // dm202, another researcher
  let ada: Page; // aa303, administrator
  let devEmail: string;
  let rosaAccountId: string;

  beforeAll(async () => {
    if (!('browser' in launched)) return;
    browser = launched.browser;
    h = await startStorageGateway();
    rosa = (await openWindow(browser)).page;
    dev = (await openWindow(browser)).page;
    ada = (await openWindow(browser)).page;
    await signInAs(rosa, h.baseUrl, 'rr101');
    await signInAs(dev, h.baseUrl, 'dm202');
    await signInAs(ada, h.baseUrl, 'aa303');
    devEmail = (await h.signIn('dm202')).email;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const counts = async () => ({
    quotes: await h.sg.prisma.storageQuote.count(),
    orders: await h.sg.prisma.storageOrder.count(),
    accounts: await h.sg.prisma.storageAccount.count(),
  });

  /** Fills the buy form (JavaScript on or off) up to the payment. */
  async function fillBuy(page: Page, product: string, sizeTb: number, years: number, name: string) {
    await page.goto(`${h.baseUrl}/buy`);
    await page.check(`#product-${product}`);
    await page.fill('#sizeTb', String(sizeTb));
    await page.selectOption('#years', String(years));
    await page.fill('#accountName', name);
    await page.fill('#departmentCode', 'PN');
    await page.fill('#departmentName', 'Physics');
  }

  async function approve(orderId: string) {
    await ada.goto(`${h.baseUrl}/admin/orders?state=awaiting_approval`);
    await ada.click(`a[href="/admin/orders/${orderId}"]`);
    await ada.fill('#approve-reason', 'paid by Physics');
    await ada.click('button:has-text("Approve")');
    await ada.waitForURL(`${h.baseUrl}/admin/orders/${orderId}`);
    await h.queue.drained();
    await ada.reload();
  }

  const orderIdOf = (page: Page) => new URL(page.url()).pathname.split('/')[2] ?? '';
  const ORDER_PAGE = /\/orders\/[0-9a-f-]{36}\?placed=1$/;

  it('buys 5 TB of RDS for 2 years by finance code; approved and provisioned, it is active to the right date', async () => {
    await withScreenshots('buy by finance code', [rosa, ada], async () => {
      await fillBuy(rosa, 'RDS', 5, 2, 'Lattice runs');
      await expect(rosa.textContent('#price')).resolves.toBe('£540.00');
      await rosa.check('#pay-finance_code');
      await rosa.fill('#financeCode', GOOD_CODE);
      await rosa.click('#place-order');
      await rosa.waitForURL(ORDER_PAGE);
      const orderId = orderIdOf(rosa);
      await expect(rosa.textContent('#order-placed h2')).resolves.toBe('Thank you: your order is placed');
      await h.queue.drained();
      await rosa.reload();
      await expect(rosa.textContent('#order-state')).resolves.toBe('Awaiting approval');
      await rosa.goto(`${h.baseUrl}/`);
      expect(await rosa.textContent(`li:has(a[href="/orders/${orderId}"])`)).toContain(
        'Research Data Store, 5 TB for Lattice runs — Awaiting approval',
      );

      await approve(orderId);
      await expect(ada.textContent('#order-state')).resolves.toBe('Completed');

      await rosa.goto(`${h.baseUrl}/orders/${orderId}`);
      await expect(rosa.textContent('#order-state')).resolves.toBe('Completed');
      await rosa.click('text=See it');
      rosaAccountId = new URL(rosa.url()).pathname.split('/')[2] ?? '';
      const facts = await rosa.textContent('dl.facts');
      expect(facts).toContain('Active');
      expect(facts).toContain('5 TB');
      expect(facts).toContain(shownDate(addYears(today, 2)));
      const row = await h.sg.prisma.storageAccount.findUniqueOrThrow({ where: { id: rosaAccountId } });
      expect(row.state).toBe('active');
      expect(row.expiresOn?.toISOString().slice(0, 10)).toBe(addYears(today, 2));

      await rosa.goto(`${h.baseUrl}/`);
      expect(await rosa.textContent('main table')).toContain('Lattice runs');
    });
  });

  it("shows cufs-api's problem next to a wrong finance code and stores nothing", async () => {
    await withScreenshots('wrong finance code', [rosa], async () => {
      const before = await counts();
      await fillBuy(rosa, 'RFS', 2, 1, 'Wrong code');
      await rosa.check('#pay-finance_code');
      await rosa.fill('#financeCode', WRONG_CODE);
      await rosa.click('#place-order');
      await rosa.waitForSelector('#financeCode-error');
      const message = await rosa.textContent('#financeCode-error');
      expect(message).toMatch(/PNXX/);
      await expect(rosa.getAttribute('#financeCode', 'aria-invalid')).resolves.toBe('true');
      await expect(rosa.inputValue('#accountName')).resolves.toBe('Wrong code');
      expect(await counts()).toEqual(before);
    });
  });

  it('refuses a purchase order file that is not a PDF, in the browser and on the server, storing nothing', async () => {
    await withScreenshots('po not a pdf', [rosa], async () => {
      const before = await counts();
      await fillBuy(rosa, 'RFS', 1, 1, 'PO test');
      await rosa.check('#pay-purchase_order');
      await rosa.fill('#poNumber', 'PN100001');
      // The browser knows a text file is not a PDF: it names the problem and does not send the form.
      await rosa.setInputFiles('#poFile', {
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('hello'),
      });
      await rosa.waitForSelector('#poFile-client-error');
      await rosa.click('#place-order');
      expect(new URL(rosa.url()).pathname).toBe('/buy');
      // A file that claims to be a PDF is checked by its content on the server.
      await rosa.setInputFiles('#poFile', {
        name: 'po.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('this is not a PDF at all'),
      });
      await rosa.click('#place-order');
      await rosa.waitForSelector('#poFile-error');
      expect(await rosa.textContent('#poFile-error')).toMatch(/PDF/);
      expect(await counts()).toEqual(before);
    });
  });

  it('lets the Data Owner add a project and a project user; someone else gets the 404 page for that account', async () => {
    await withScreenshots('project user and 404', [rosa, dev], async () => {
      await rosa.goto(`${h.baseUrl}/accounts/${rosaAccountId}`);
      await rosa.fill('#project-name', 'lattice');
      await rosa.click('button:has-text("Create project")');
      await rosa.waitForSelector('h3:has-text("lattice")');

      const other = await dev.goto(`${h.baseUrl}/accounts/${rosaAccountId}`);
      expect(other?.status()).toBe(404);
      await expect(dev.textContent('h1')).resolves.toBe('Page not found');
      expect(await dev.content()).not.toContain('Lattice runs');

      const project = await h.sg.prisma.storageProject.findFirstOrThrow({
        where: { accountId: rosaAccountId },
      });
      await rosa.fill(`#member-${project.id}-email`, devEmail);
      await rosa.selectOption(`#member-${project.id}-role`, 'user');
      await rosa.click('button:has-text("Add to project")');
      await rosa.waitForSelector(`td:has-text("${devEmail}")`);

      // Now a project user, Dev sees the account (and not its people's forms).
      const member = await dev.goto(`${h.baseUrl}/accounts/${rosaAccountId}`);
      expect(member?.status()).toBe(200);
      await expect(dev.textContent('dl.facts')).resolves.toContain('Project user');
      expect(await dev.locator('button:has-text("Add to project")').count()).toBe(0);
    });
  });

  it('renews an expired account, backdated to its expiry', async () => {
    await withScreenshots('renew expired', [rosa, ada], async () => {
      const expired = addDays(today, -10);
      await h.sg.prisma.storageAccount.update({
        where: { id: rosaAccountId },
        data: {
          state: 'expired',
          startsOn: new Date(`${addYears(expired, -2)}T00:00:00Z`),
          expiresOn: new Date(`${expired}T00:00:00Z`),
        },
      });
      await rosa.goto(`${h.baseUrl}/accounts/${rosaAccountId}`);
      await expect(rosa.textContent('dl.facts')).resolves.toContain('Read-only (expired)');
      await rosa.click('a:has-text("Renew")');
      expect(await rosa.textContent('.notice')).toContain('backdated');
      // Priced before ordering: 5 TB of RDS at £54 per TB per year, from the old expiry.
      await expect(rosa.textContent('#price')).resolves.toBe('£270.00');
      expect(await rosa.textContent('#price-explanation')).toContain(expired);
      await rosa.selectOption('#years', '1');
      await rosa.fill('#financeCode', GOOD_CODE);
      await rosa.click('button:has-text("Renew")');
      await rosa.waitForURL(ORDER_PAGE);
      const orderId = orderIdOf(rosa);
      await h.queue.drained();
      await approve(orderId);
      const row = await h.sg.prisma.storageAccount.findUniqueOrThrow({ where: { id: rosaAccountId } });
      expect(row.state).toBe('active');
      expect(row.expiresOn?.toISOString().slice(0, 10)).toBe(addYears(expired, 1));
      await rosa.goto(`${h.baseUrl}/accounts/${rosaAccountId}`);
      await expect(rosa.textContent('dl.facts')).resolves.toContain(shownDate(addYears(expired, 1)));
    });
  });

  it('buys storage with JavaScript off: the price is updated by the server, the order placed', async () => {
    const { context, page } = await openWindow(browser, { javaScript: false });
    try {
      await withScreenshots('buy without javascript', [page], async () => {
        await signInAs(page, h.baseUrl, 'rr101');
        await fillBuy(page, 'RFS', 3, 1, 'No script');
        await page.click('#update-price');
        await expect(page.textContent('#price')).resolves.toBe('£417.00');
        // The form comes back as it was typed, ready to order.
        await expect(page.inputValue('#accountName')).resolves.toBe('No script');
        await page.check('#pay-grant_code');
        await page.fill('#grantCode', 'ZZAG001/RG12345/1/other costs');
        await page.click('#place-order');
        await page.waitForURL(ORDER_PAGE);
        await h.queue.drained();
        await page.reload();
        await expect(page.textContent('#order-state')).resolves.toBe('Awaiting approval');
      });
    } finally {
      await context.close();
    }
  });

  it('buys storage with the keyboard alone', async () => {
    await withScreenshots('keyboard only', [dev], async () => {
      await dev.goto(`${h.baseUrl}/buy`);
      await tabTo(dev, 'input[name="productCode"]');
      await dev.keyboard.press('ArrowDown'); // the next product in the group (RCS)
      await tabTo(dev, '#sizeTb');
      await dev.keyboard.press('Control+A');
      await dev.keyboard.type('10');
      await tabTo(dev, '#accountName');
      await dev.keyboard.type('Keyboard data');
      await tabTo(dev, '#departmentCode');
      await dev.keyboard.type('PN');
      await tabTo(dev, '#departmentName');
      await dev.keyboard.type('Physics');
      await tabTo(dev, '#financeCode');
      await dev.keyboard.type(GOOD_CODE);
      await tabTo(dev, '#place-order');
      await dev.keyboard.press('Enter');
      await dev.waitForURL(ORDER_PAGE);
      await expect(dev.textContent('main .lead')).resolves.toContain('Research Cold Store, 10 TB');
    });
  });

  it('keeps administration from researchers (403 page) and shows a 404 page for what does not exist', async () => {
    await withScreenshots('403 and 404', [rosa], async () => {
      const admin = await rosa.goto(`${h.baseUrl}/admin/orders`);
      expect(admin?.status()).toBe(403);
      await expect(rosa.textContent('h1')).resolves.toBe('Not for you');
      const missing = await rosa.goto(`${h.baseUrl}/orders/00000000-0000-4000-8000-000000000000`);
      expect(missing?.status()).toBe(404);
      await expect(rosa.textContent('h1')).resolves.toBe('Page not found');
    });
  });

  it("signs out: the session cookie is gone and the browser goes on to the provider's sign-out", async () => {
    const { context, page } = await openWindow(browser);
    try {
      await withScreenshots('sign out', [page], async () => {
        await signInAs(page, h.baseUrl, 'rr101');
        await page.click('button:has-text("Sign out")');
        await page.waitForURL((url) => url.pathname !== '/' || url.origin !== h.baseUrl);
        expect((await context.cookies(h.baseUrl)).map((c) => c.name)).not.toContain('usp_session');
        // The page's form-action allows the provider: sign-out goes on to end the provider's session there.
        expect(new URL(page.url()).origin).toBe(new URL(h.oidc.issuer).origin);
      });
    } finally {
      await context.close();
    }
  });
});
