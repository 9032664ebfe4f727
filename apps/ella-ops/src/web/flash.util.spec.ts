// The flash message after an action: signed, so that only the app can make a page say something.
import { describe, expect, it } from '@jest/globals';
import { FLASH_COOKIE, FlashCookies } from './flash.util.js';

const flashes = new FlashCookies('a-session-secret-of-at-least-32-characters', true);
const valueOf = (header: string) => header.split(';')[0]?.slice(FLASH_COOKIE.length + 1) ?? '';

describe('flash cookies', () => {
  it('reads back what it wrote: short-lived, HttpOnly, Secure on https', () => {
    const header = flashes.header({ kind: 'done', message: 'api: stop done, now STOPPED' });
    expect(header).toMatch(/; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax; Secure$/);
    expect(flashes.read(`other=1; ${FLASH_COOKIE}=${valueOf(header)}`)).toEqual({
      kind: 'done',
      message: 'api: stop done, now STOPPED',
    });
    expect(flashes.clear()).toContain('Max-Age=0');
  });

  it('ignores a flash it did not sign, or signed with another secret', () => {
    const value = valueOf(flashes.header({ kind: 'done', message: 'all good' }));
    const [, signature] = value.split('.');
    const forged = Buffer.from(JSON.stringify({ k: 'done', m: 'call 555-0100 now' })).toString('base64url');
    expect(flashes.read(`${FLASH_COOKIE}=${forged}.${signature}`)).toBeUndefined();
    const other = new FlashCookies('another-session-secret-of-32-characters!', true);
    expect(other.read(`${FLASH_COOKIE}=${value}`)).toBeUndefined();
    expect(flashes.read(`${FLASH_COOKIE}=garbage`)).toBeUndefined();
    expect(flashes.read(undefined)).toBeUndefined();
  });
});
