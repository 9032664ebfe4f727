import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
  requestId: string;
  traceId?: string;
  spanId?: string;
}

/** Carries the request id and trace id to every log line written while serving a request. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** Reads Cloud Run's `X-Cloud-Trace-Context: TRACE/SPAN;o=1` or W3C `traceparent: 00-TRACE-SPAN-01`. */
export function parseTraceHeader(headers: IncomingMessage['headers']): { traceId?: string; spanId?: string } {
  const cloud = headers['x-cloud-trace-context'];
  if (typeof cloud === 'string') {
    const match = /^([0-9a-f]{32})(?:\/(\d+))?/i.exec(cloud);
    if (match) return { traceId: match[1]?.toLowerCase(), spanId: match[2] };
  }
  const parent = headers.traceparent;
  if (typeof parent === 'string') {
    const match = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/i.exec(parent.trim());
    if (match) return { traceId: match[1]?.toLowerCase(), spanId: match[2]?.toLowerCase() };
  }
  return {};
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Express/connect middleware: adopts a sane incoming X-Request-Id or makes one, and echoes it. */
export function requestContextMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  requestContext.run({ requestId, ...parseTraceHeader(req.headers) }, next);
}
