// `npm run bench -- web-auth [--requests N] [--concurrency N] [--signins N] [--rounds N]`: what web
// sign-in costs. One in-process Nest app with WebAuthModule (oidc mode) and the real OIDC provider
// (simulators/oidc), both on 127.0.0.1. Figures:
// - per-request time of a `@SignedIn()` GET (session cookie verified: HMAC, JSON, roles) against a
//   `@Public()` GET, and of a `@SignedIn()` POST (plus the CSRF check) against a `@Public()` POST, on the
//   same app, as ratios, with `requests` calls each and `concurrency` in flight over keep-alive, in
//   interleaved rounds (median);
// - the wall time of a whole sign-in (login, the provider's hops, token exchange, callback), median of
//   `signins`, and how many HTTP requests one takes.
// Ratios hold on a noisy machine better than the absolute figures.
import 'reflect-metadata';
import { Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import http from 'node:http';
import { CurrentUser, Public, SignedIn, WebAuthModule, type WebUser } from '@app/auth';
import { demoPeople } from '../simulators/oidc/demo-people.js';
import { OidcSimulator } from '../simulators/oidc/oidc.simulator.js';
import { elapsedMs, freePort, intArgument, median, printResult, round } from './bench.util.js';

const REQUESTS = intArgument('requests', 2000);
const CONCURRENCY = intArgument('concurrency', 16);
const SIGN_INS = intArgument('signins', 20);
const ROUNDS = intArgument('rounds', 3);
const CLIENT_ID = 'bench-web';
const CLIENT_SECRET = 'bench-web-client-secret';

@Controller()
class BenchController {
  @Public()
  @Get('public')
  open() {
    return { ok: true };
  }

  @Public()
  @Post('public')
  @HttpCode(200)
  openChange() {
    return { ok: true };
  }

  @SignedIn()
  @Get('signed-in')
  read(@CurrentUser() user: WebUser) {
    return { ok: true, subject: user.subject };
  }

  @SignedIn()
  @Post('signed-in')
  @HttpCode(200)
  change(@CurrentUser() user: WebUser) {
    return { ok: true, subject: user.subject };
  }
}

/** Cookies by name for one host (the app and the provider share 127.0.0.1, as in a browser). */
class Jar {
  readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** One whole sign-in as `person`; returns the jar holding the session and the number of requests made. */
async function signIn(base: string, person: string): Promise<{ jar: Jar; requests: number }> {
  const jar = new Jar();
  let requests = 0;
  const go = async (url: string, form?: Record<string, string>) => {
    requests++;
    const response = await fetch(url, {
      method: form === undefined ? 'GET' : 'POST',
      headers: {
        cookie: jar.header(),
        ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: form === undefined ? undefined : new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    jar.take(response);
    const location = response.headers.get('location');
    return { response, url, location: location === null ? undefined : new URL(location, url).href };
  };
  const follow = async (url: string, form?: Record<string, string>) => {
    let step = await go(url, form);
    while (step.location !== undefined) step = await go(step.location);
    return step;
  };
  const chooser = await follow(`${base}/auth/login?returnTo=%2Fsigned-in`);
  const action = /<form method="post" action="([^"]+)"/.exec(await chooser.response.text())?.[1];
  if (action === undefined) throw new Error('the provider did not show its people');
  const landed = await follow(new URL(action, chooser.url).href, { person });
  if (landed.response.status !== 200) throw new Error(`sign-in ended with ${landed.response.status}`);
  await landed.response.arrayBuffer();
  return { jar, requests };
}

/** `count` requests, `concurrency` in flight, keep-alive; milliseconds per request (wall / count). */
async function load(
  url: string,
  method: string,
  headers: Record<string, string>,
  count: number,
  concurrency: number,
): Promise<{ msPerRequest: number; failures: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failures = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(url, { method, headers, agent }, (response) => {
        if (response.statusCode !== 200) failures++;
        response.resume();
        response.on('end', resolve);
      });
      request.on('error', reject);
      request.end();
    });
  const worker = async () => {
    while (next < count) {
      next++;
      await one();
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = elapsedMs(start);
  agent.destroy();
  return { msPerRequest: ms / count, failures };
}

async function main(): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const provider = new OidcSimulator({
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${base}/auth/callback`],
        postLogoutRedirectUris: [`${base}/`],
      },
    ],
  });
  provider.seed(demoPeople());
  await provider.start();

  @Module({
    imports: [
      WebAuthModule.forRoot({
        mode: 'oidc',
        baseUrl: base,
        oidc: {
          issuerUrl: provider.issuer,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          endSession: true,
        },
        sessionSecrets: ['bench-session-secret-0123456789abcdefgh', 'bench-previous-secret-0123456789abcdef'],
        cookieName: 'usp_session',
        sessionMaxAgeSeconds: 3600,
        sessionIdleSeconds: 3600,
        groupsClaim: 'groups',
        administrators: { emails: [], groups: ['storage-admins'] },
        roles: { 'data-manager': { emails: [], groups: ['storage-data-managers'] } },
      }),
    ],
    controllers: [BenchController],
  })
  class BenchModule {}

  const app = await NestFactory.create(BenchModule, { logger: false });
  await app.listen(port, '127.0.0.1');
  try {
    // Warm up: discovery, the provider's keys, JIT.
    await signIn(base, 'aa303');
    const signInMs: number[] = [];
    let requestsPerSignIn = 0;
    for (let i = 0; i < SIGN_INS; i++) {
      const start = process.hrtime.bigint();
      requestsPerSignIn = (await signIn(base, i % 2 === 0 ? 'aa303' : 'dm202')).requests;
      signInMs.push(elapsedMs(start));
    }
    const { jar } = await signIn(base, 'dm202');
    const cookie = jar.header();
    const csrf = await fetch(`${base}/auth/me`, { headers: { cookie } }).then(
      async (r) => ((await r.json()) as WebUser).csrfToken ?? '',
    );
    const kinds = {
      public: { path: '/public', method: 'GET', headers: {} },
      publicPost: { path: '/public', method: 'POST', headers: {} },
      signedInGet: { path: '/signed-in', method: 'GET', headers: { cookie } },
      signedInPost: { path: '/signed-in', method: 'POST', headers: { cookie, 'x-csrf-token': csrf } },
    } as const;
    const times: Record<keyof typeof kinds, number[]> = {
      public: [],
      publicPost: [],
      signedInGet: [],
      signedInPost: [],
    };
    let failures = 0;
    for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) {
      const { path, method, headers } = kinds[kind];
      await load(`${base}${path}`, method, headers, Math.min(200, REQUESTS), CONCURRENCY);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) {
        const { path, method, headers } = kinds[kind];
        const result = await load(`${base}${path}`, method, headers, REQUESTS, CONCURRENCY);
        times[kind].push(result.msPerRequest);
        failures += result.failures;
      }
    }
    const publicMs = median(times.public);
    printResult({
      bench: 'web-auth',
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      failures,
      publicUsPerRequest: round(publicMs * 1000, 0),
      signedInGetUsPerRequest: round(median(times.signedInGet) * 1000, 0),
      signedInPostUsPerRequest: round(median(times.signedInPost) * 1000, 0),
      signedInGetVsPublic: round(median(times.signedInGet) / publicMs, 2),
      publicPostUsPerRequest: round(median(times.publicPost) * 1000, 0),
      signedInPostVsPublicPost: round(median(times.signedInPost) / median(times.publicPost), 2),
      signIns: SIGN_INS,
      signInMedianMs: round(median(signInMs), 1),
      requestsPerSignIn,
      sessionCookieBytes: (jar.cookies.get('usp_session') ?? '').length,
    });
  } finally {
    await app.close();
    await provider.close();
  }
}

await main();
