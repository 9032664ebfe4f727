import { describe, expect, it } from '@jest/globals';
import { type ArgumentsHost, NotFoundException } from '@nestjs/common';
import { AllExceptionsFilter, type UnmatchedRoutePage } from './all-exceptions.filter.js';

/** A request and response as the filter reads and writes them. */
function exchange(request: { method: string; accept?: string; route?: unknown }) {
  const sent: { status?: number; body?: unknown } = {};
  const response = {
    setHeader: () => response,
    status(code: number) {
      sent.status = code;
      return response;
    },
    json(body: unknown) {
      sent.body = body;
      return response;
    },
  };
  const req = {
    method: request.method,
    headers: request.accept === undefined ? {} : { accept: request.accept },
    route: request.route,
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => req }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

describe("AllExceptionsFilter and an app's 404 page", () => {
  const rendered: ArgumentsHost[] = [];
  const page: UnmatchedRoutePage = { render: (host) => void rendered.push(host) };

  it('hands a browser GET of an address no route matched to the page', () => {
    const { host, sent } = exchange({ method: 'GET', accept: 'text/html,*/*' });
    new AllExceptionsFilter(page).catch(new NotFoundException('Cannot GET /x'), host);
    expect(rendered).toEqual([host]);
    expect(sent).toEqual({});
  });

  it.each([
    ['a matched route', { method: 'GET', accept: 'text/html', route: { path: '/orders/:id' } }],
    ['a POST', { method: 'POST', accept: 'text/html' }],
    ['a JSON client', { method: 'GET', accept: 'application/json' }],
  ])('answers JSON for %s', (_label, request) => {
    rendered.length = 0;
    const { host, sent } = exchange(request);
    new AllExceptionsFilter(page).catch(new NotFoundException('No such order'), host);
    expect(rendered).toEqual([]);
    expect(sent).toMatchObject({ status: 404, body: { message: 'No such order' } });
  });

  it('answers JSON when the app has no page', () => {
    const { host, sent } = exchange({ method: 'GET', accept: 'text/html' });
    new AllExceptionsFilter().catch(new NotFoundException('Cannot GET /x'), host);
    expect(sent).toMatchObject({ status: 404 });
  });
});
