import { createHmac, timingSafeEqual } from 'node:crypto';

/** What the page after an action says (post/redirect/get): done, or what went wrong. */
export interface Flash {
  kind: 'done' | 'problem';
  message: string;
}

export const FLASH_COOKIE = 'ella_ops_flash';
const MAX_AGE_SECONDS = 60;

/**
 * The flash message travels in a short-lived cookie signed with the session secret: a link cannot
 * make the page say something the app did not (a message in the address could), and it is shown once.
 */
export class FlashCookies {
  constructor(
    private readonly secret: string,
    private readonly secure: boolean,
  ) {}

  header(flash: Flash): string {
    const payload = Buffer.from(JSON.stringify({ k: flash.kind, m: flash.message.slice(0, 1000) })).toString(
      'base64url',
    );
    return this.cookie(`${payload}.${this.sign(payload)}`, MAX_AGE_SECONDS);
  }

  clear(): string {
    return this.cookie('', 0);
  }

  /** The flash in a Cookie header, if one is there and signed by us. */
  read(cookieHeader: string | undefined): Flash | undefined {
    const raw = (cookieHeader ?? '')
      .split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith(`${FLASH_COOKIE}=`))
      ?.slice(FLASH_COOKIE.length + 1);
    if (raw === undefined || raw === '') return undefined;
    const [payload = '', signature = ''] = raw.split('.');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        k?: unknown;
        m?: unknown;
      };
      if ((parsed.k === 'done' || parsed.k === 'problem') && typeof parsed.m === 'string') {
        return { kind: parsed.k, message: parsed.m };
      }
    } catch {
      return undefined;
    }
    return undefined;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(`ella-ops-flash:${payload}`).digest('base64url');
  }

  private cookie(value: string, maxAge: number): string {
    return [
      `${FLASH_COOKIE}=${value}`,
      'Path=/',
      `Max-Age=${maxAge}`,
      'HttpOnly',
      'SameSite=Lax',
      ...(this.secure ? ['Secure'] : []),
    ].join('; ');
  }
}
