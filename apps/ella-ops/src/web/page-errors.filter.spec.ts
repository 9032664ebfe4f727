// ella-ops' error pages: what a person reads, with the correlation id on a 500 and never the error's
// own words or a stack trace; the pages' headers on error pages too.
import { describe, expect, it } from '@jest/globals';
import { type ArgumentsHost, ForbiddenException, NotFoundException } from '@nestjs/common';
import type { Response } from 'express';
import { requestContext } from '@app/logging';
import { Assets, PLATFORM_PUBLIC_DIR } from '@app/service';
import type { EllaOpsConfig } from '../config.js';
import { PageErrorsFilter } from './page-errors.filter.js';
import { PagesRenderer, PUBLIC_DIR } from './pages.renderer.js';

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The filter's answer, written into a response that records it (the filter's only collaborator). */
function respond(exception: unknown, webUser?: object): Sent {
  const sent: Sent = { status: 0, headers: {}, body: '' };
  const res = {
    headersSent: false,
    getHeader: (name: string) => sent.headers[name.toLowerCase()],
    setHeader: (name: string, value: string) => {
      sent.headers[name.toLowerCase()] = value;
    },
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(t: string) {
      sent.headers['content-type'] = t;
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({
      getResponse: () => res as unknown as Response,
      getRequest: () => (webUser === undefined ? {} : { webUser }),
    }),
  } as unknown as ArgumentsHost;
  const pages = new PagesRenderer(new Assets(PLATFORM_PUBLIC_DIR, PUBLIC_DIR), {
    OIDC_ISSUER_URL: 'https://login.example.org/',
  } as EllaOpsConfig);
  new PageErrorsFilter(pages).catch(exception, host);
  return sent;
}

describe('ella-ops error pages', () => {
  it('a failure is a 500 page with the correlation id, without the error or its stack', () => {
    const error = new Error('connection to 10.0.0.7 refused by secret-host');
    const sent = requestContext.run({ requestId: 'req-1234abcd' }, () => respond(error));
    expect(sent.status).toBe(500);
    expect(sent.body).toContain('<strong class="mono">req-1234abcd</strong>');
    expect(sent.body).toContain('<h1>Something went wrong</h1>');
    expect(sent.body).not.toContain('secret-host');
    expect(sent.body).not.toContain('at ');
    expect(sent.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(sent.headers['content-security-policy']).toContain("form-action 'self' https://login.example.org");
    expect(sent.headers['referrer-policy']).toBe('same-origin');
  });

  it('404 and 403 say what happened in words, without a correlation id, to whoever is signed in', () => {
    const missing = respond(new NotFoundException('instance "nope" is not configured'));
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('<h1>Page not found</h1>');
    expect(missing.body).toContain('instance &quot;nope&quot; is not configured');
    expect(missing.body).not.toContain('quote this reference');
    expect(missing.body).toContain('<a href="/auth/login">Sign in</a>');
    const forbidden = respond(
      new ForbiddenException('v@example.org does not have the operator role this needs'),
      {
        subject: 'v',
        email: 'v@example.org',
        roles: ['viewer'],
        via: 'session',
        csrfToken: 'token',
      },
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toContain('<h1>Not allowed</h1>');
    expect(forbidden.body).toContain('v@example.org (viewer)');
    expect(forbidden.body).toContain('only operators can act');
  });

  it('escapes what it shows', () => {
    const sent = respond(new NotFoundException('<script>alert(1)</script>'));
    expect(sent.body).not.toContain('<script>alert(1)</script>');
    expect(sent.body).toContain('&lt;script&gt;');
  });
});
