import {
  applyDecorators,
  BadRequestException,
  type CallHandler,
  createParamDecorator,
  type ExecutionContext,
  HttpCode,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse } from '@app/openapi';
import type { RequestWithPrincipal } from '@app/auth';
import { map, type Observable } from 'rxjs';
import { dryRunOf, httpStatusOf, mentionsDryRun, triggerOf, type TriggerMode } from './http.util.js';
import type { RunResult } from './job-runner.service.js';
import type { JobRunRecord } from './job.types.js';

export const RUN_ENDPOINT = 'jobs:run-endpoint';

export interface RunEndpointOptions {
  /** One line for the OpenAPI document. */
  summary: string;
  /** Which headers may name the run's trigger (see `TriggerMode`): jobs `scheduler`, tasks `task`, approvals `http`. */
  trigger: TriggerMode;
  /** What a dry run does on this endpoint, for the OpenAPI document. */
  dryRun?: string;
}

/** How the caller asked for the run: what `@RunOptions()` gives the handler. */
export interface RunOptions {
  dryRun: boolean;
  trigger: string;
  /** The caller's email, else its subject. */
  actor: string;
}

/**
 * Turns the RunResult a handler returns into the response: the run record as the body, and the
 * status the job contract gives it (200 succeeded or refused, 422 refused input, 500 a fault).
 */
@Injectable()
export class RunResultInterceptor implements NestInterceptor<RunResult, JobRunRecord> {
  intercept(context: ExecutionContext, next: CallHandler<RunResult>): Observable<JobRunRecord> {
    const response = context
      .switchToHttp()
      .getResponse<{ status(code: number): unknown; setHeader(name: string, value: string): unknown }>();
    return next.handle().pipe(
      map((result) => {
        response.status(httpStatusOf(result));
        if (result.retryAfterSeconds !== undefined)
          response.setHeader('Retry-After', String(result.retryAfterSeconds));
        return result.record;
      }),
    );
  }
}

/**
 * Declares an endpoint that starts a run (a job, a task, an approval): its handler takes
 * `@RunOptions()` and returns the `RunResult`; the kit parses `dry_run` and the trigger the same way
 * everywhere, answers with the run record and its status, and documents `dry_run` once.
 * Put it beside the route decorator: `@Post(':name') @RunEndpoint({ summary, trigger: 'scheduler' })`.
 */
export function RunEndpoint(options: RunEndpointOptions): MethodDecorator {
  return applyDecorators(
    SetMetadata(RUN_ENDPOINT, options),
    HttpCode(200),
    UseInterceptors(RunResultInterceptor),
    ApiOperation({ summary: options.summary }),
    ApiQuery({
      name: 'dry_run',
      required: false,
      allowEmptyValue: true,
      schema: { type: 'string', enum: ['', '1', 'true', '0', 'false'] },
      description:
        `${options.dryRun ?? 'Plan and check without changing anything'}. Any mention of dry_run ` +
        '(no value, 1, true, any case of the name) is a dry run; only exactly 0 or false is a real run; ' +
        'anything else is a 400.',
    }),
    ApiResponse({ status: 200, description: 'The run record: succeeded, or refused (nothing applied)' }),
    ApiResponse({ status: 400, description: 'dry_run or another parameter is unreadable; nothing ran' }),
    ApiResponse({ status: 409, description: 'Another run of the job is running (runningRunId)' }),
    ApiResponse({ status: 422, description: 'The run record of a run that refused bad input' }),
    ApiResponse({ status: 500, description: 'The run record of a run that failed on our side' }),
    ApiResponse({
      status: 503,
      description:
        'The run record of a run a system it needs could not answer; Retry-After says when to try again',
    }),
  );
}

/** `{ dryRun, trigger, actor }` of a `@RunEndpoint` call, parsed from the raw URL and the trusted headers. */
export const RunOptions = createParamDecorator((_data: unknown, context: ExecutionContext): RunOptions => {
  const declared = Reflect.getMetadata(RUN_ENDPOINT, context.getHandler()) as RunEndpointOptions | undefined;
  if (declared === undefined) throw new Error('@RunOptions() is used on a handler without @RunEndpoint()');
  const request = context
    .switchToHttp()
    .getRequest<RequestWithPrincipal & { originalUrl?: string; url?: string }>();
  const { principal } = request;
  if (principal === undefined) {
    throw new Error('@RunOptions() used on a route the auth guard did not authenticate (is it @Public()?)');
  }
  return {
    dryRun: dryRunOf(request.originalUrl ?? request.url ?? ''),
    trigger: triggerOf(request.headers, declared.trigger),
    actor: principal.email ?? principal.subject,
  };
});

/**
 * Every app's guard against a dry run that would be a real one: a request that changes something
 * (any method but GET, HEAD and OPTIONS) on an endpoint that is not a `@RunEndpoint`, and whose query
 * mentions dry_run in any spelling, is a 400 before its handler runs. Only run endpoints have a
 * dry run; elsewhere (approving an order, starting a backup) the caller asking for one would
 * otherwise get the real thing. Registered globally by JobsModule.
 */
@Injectable()
export class NoDryRunElsewhereInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context
      .switchToHttp()
      .getRequest<{ method?: string; originalUrl?: string; url?: string }>();
    const method = (request.method ?? 'GET').toUpperCase();
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next.handle();
    if (Reflect.getMetadata(RUN_ENDPOINT, context.getHandler()) !== undefined) return next.handle();
    const url = request.originalUrl ?? request.url ?? '';
    const start = url.indexOf('?');
    if (start !== -1) {
      for (const [key] of new URLSearchParams(url.slice(start + 1))) {
        if (!mentionsDryRun(key)) continue;
        throw new BadRequestException(
          `${JSON.stringify(key.slice(0, 40))}: this endpoint has no dry run, and nothing was done; ` +
            'call it without dry_run to do it for real',
        );
      }
    }
    return next.handle();
  }
}
