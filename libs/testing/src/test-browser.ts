/**
 * A browser's HTTP behaviour for sign-in tests, over real HTTP: a cookie jar (cookies by host, not
 * port, with Path, Max-Age and Expires honoured, as browsers do), redirects followed one by one so a
 * test can see each hop, forms posted urlencoded. No JavaScript, no HTML parsing beyond what tests ask.
 */
export interface BrowserResponse {
  url: string;
  status: number;
  headers: Headers;
  /** The redirect target, resolved against the request URL. */
  location?: string;
  text: string;
  json<T = unknown>(): T;
}

export interface BrowserRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
}

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expiresAt?: number;
}

export class TestBrowser {
  private readonly jar: StoredCookie[] = [];
  /** Every URL requested, in order (redirect hops included). */
  readonly visited: string[] = [];

  /** One request; never follows redirects. */
  async request(url: string, options: BrowserRequest = {}): Promise<BrowserResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const cookie = this.cookieHeader(target);
    if (cookie !== '' && headers['cookie'] === undefined) headers['cookie'] = cookie;
    let body: string | undefined;
    if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    this.visited.push(target.href);
    const response = await fetch(target, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) this.store(target, line);
    const text = await response.text();
    const location = response.headers.get('location');
    return {
      url: target.href,
      status: response.status,
      headers: response.headers,
      ...(location === null ? {} : { location: new URL(location, target).href }),
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  /** Requests `url` and follows redirects (GET, as browsers do after 302/303) until an answer that is not one. */
  async follow(url: string, options: BrowserRequest = {}, maxHops = 20): Promise<BrowserResponse> {
    let response = await this.request(url, options);
    for (
      let hop = 0;
      response.location !== undefined && response.status >= 300 && response.status < 400;
      hop++
    ) {
      if (hop >= maxHops) throw new Error(`more than ${maxHops} redirects from ${url}`);
      response = await this.request(response.location);
    }
    return response;
  }

  /** The value of a cookie the jar would send to `url`. */
  cookie(url: string, name: string): string | undefined {
    return this.matching(new URL(url)).find((c) => c.name === name)?.value;
  }

  /** The names of the cookies the jar would send to `url`. */
  cookieNames(url: string): string[] {
    return this.matching(new URL(url)).map((c) => c.name);
  }

  /** Puts (or replaces) a cookie as if a server had set it, for tampering tests. */
  setCookie(url: string, name: string, value: string, path = '/'): void {
    const host = new URL(url).hostname;
    this.remove(host, name, path);
    this.jar.push({ name, value, host, path });
  }

  private cookieHeader(url: URL): string {
    return this.matching(url)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private matching(url: URL): StoredCookie[] {
    const now = Date.now();
    return this.jar
      .filter((c) => c.host === url.hostname && pathMatches(url.pathname, c.path))
      .filter((c) => c.expiresAt === undefined || c.expiresAt > now)
      .sort((a, b) => b.path.length - a.path.length);
  }

  private store(url: URL, line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const index = pair.indexOf('=');
    if (index <= 0) return;
    const name = pair.slice(0, index);
    const value = pair.slice(index + 1);
    let path = defaultPath(url.pathname);
    let expiresAt: number | undefined;
    for (const attribute of attributes) {
      const [key = '', attributeValue = ''] = attribute.split('=');
      switch (key.toLowerCase()) {
        case 'path':
          path = attributeValue.startsWith('/') ? attributeValue : defaultPath(url.pathname);
          break;
        case 'max-age':
          expiresAt = Date.now() + Number(attributeValue) * 1000;
          break;
        case 'expires':
          expiresAt ??= Date.parse(attributeValue);
          break;
      }
    }
    this.remove(url.hostname, name, path);
    if (expiresAt !== undefined && expiresAt <= Date.now()) return;
    this.jar.push({
      name,
      value,
      host: url.hostname,
      path,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
  }

  private remove(host: string, name: string, path: string): void {
    const index = this.jar.findIndex((c) => c.host === host && c.name === name && c.path === path);
    if (index !== -1) this.jar.splice(index, 1);
  }
}

function defaultPath(pathname: string): string {
  const last = pathname.lastIndexOf('/');
  return last <= 0 ? '/' : pathname.slice(0, last);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
