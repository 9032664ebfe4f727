import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule, Public } from '@app/auth';
import { AllExceptionsFilter, configureService } from './index.js';

@Controller()
class SampleController {
  @Get('public')
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('protected')
  guarded(): { ok: true } {
    return { ok: true };
  }
}

/** The headers every response carries, and a docs page that still works under its CSP. */
describe('security headers', () => {
  let app: INestApplication;
  const server = () => request(app.getHttpServer());

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          mode: 'token',
          jobToken: 'security-headers-spec-token-0123',
          jobEmails: [],
          operatorEmails: [],
        }),
      ],
      controllers: [SampleController],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureService(app, { app: 'security-headers-spec', description: 'test' });
    await app.init();
  });
  afterAll(() => app.close());

  it.each([
    ['a JSON answer', '/public', 200],
    ['a refusal', '/protected', 401],
    ['an unknown path', '/no-such-path', 404],
    ['the docs page', '/api/docs', 200],
    ['the OpenAPI document', '/api/openapi.json', 200],
  ])('are on %s (%s -> %i)', async (_case, path, status) => {
    const response = await server().get(path).expect(status);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(response.headers['x-powered-by']).toBeUndefined();
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('lets the docs page load: no inline script, and every script and stylesheet it names is served from here', async () => {
    const page = await server().get('/api/docs').expect(200);
    const csp = String(page.headers['content-security-policy']);
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes = '', body = ''] of scripts) {
      // script-src 'self' runs files from this origin only; an inline script would be blocked.
      expect(body.trim()).toBe('');
      expect(attributes).toMatch(/src="\.?\/?[\w./-]+"/);
    }
    // The inline <style> blocks are what style-src 'unsafe-inline' is for.
    expect(page.text).toContain('<style>');
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    const assets = [
      ...page.text.matchAll(/<script[^>]*src="([^"]+)"/g),
      ...page.text.matchAll(/<link[^>]*href="([^"]+)"/g),
    ].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThan(3);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//);
      const url = new URL(asset, 'http://self/api/docs/').pathname;
      const served = await server().get(url);
      expect([url, served.status]).toEqual([url, 200]);
    }
    const init = await server().get('/api/docs/swagger-ui-init.js').expect(200);
    // The options: the spec is this origin's, and no validator badge is fetched from elsewhere.
    expect(init.text).toContain('"validatorUrl": null');
  });
});
