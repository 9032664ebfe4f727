// Error pages: what a person reads, with the correlation id on a 500 and never the error's own words
// or a stack trace; the pages' headers on error pages too.
import { describe, expect, it } from '@jest/globals';
import { type ArgumentsHost, ForbiddenException, NotFoundException } from '@nestjs/common';
import type { Response } from 'express';
import { requestContext } from '@app/logging';
import type { StorageGatewayConfig } from '../config.js';
import { Assets, PLATFORM_PUBLIC_DIR } from '@app/service';
import { PageErrorsFilter } from './page-errors.filter.js';
import { PagesRenderer, PUBLIC_DIR } from './pages.renderer.js';

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function respond(exception: unknown): Sent {
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
    switchToHttp: () => ({ getResponse: () => res as unknown as Response, getRequest: () => ({}) }),
  } as unknown as ArgumentsHost;
  const pages = new PagesRenderer(
    new Assets(PLATFORM_PUBLIC_DIR, PUBLIC_DIR),
    { OIDC_ISSUER_URL: 'http://127.0.0.1:4110' } as StorageGatewayConfig,
    { quoteValidDays: 30, reminderDays: [60, 30, 7], graceDays: 30, poMaxBytes: 1024 },
  );
  new PageErrorsFilter(pages).catch(exception, host);
  return sent;
}

describe('error pages', () => {
  it('a failure is a 500 page with the correlation id, without the error or its stack', () => {
    const error = new Error('connection to 10.0.0.7 refused by secret-host');
    const sent = requestContext.run({ requestId: 'req-1234abcd' }, () => respond(error));
    expect(sent.status).toBe(500);
    expect(sent.body).toContain('req-1234abcd');
    expect(sent.body).toContain('<h1>Something went wrong</h1>');
    expect(sent.body).not.toContain('secret-host');
    expect(sent.body).not.toContain('at ');
    expect(sent.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(sent.headers['content-security-policy']).toContain("form-action 'self' http://127.0.0.1:4110");
  });

  it('404 and 403 say what happened in words, without a correlation id', () => {
    const missing = respond(new NotFoundException('No such account'));
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('<h1>Page not found</h1>');
    expect(missing.body).toContain('No such account');
    expect(missing.body).not.toContain('tell the service desk');
    const forbidden = respond(new ForbiddenException('this needs one of the roles: admin'));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toContain('<h1>Not for you</h1>');
  });

  it('escapes what it shows', () => {
    const sent = respond(new NotFoundException('<script>alert(1)</script>'));
    expect(sent.body).not.toContain('<script>alert(1)</script>');
    expect(sent.body).toContain('&lt;script&gt;');
  });
});
