import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export const JOB_METADATA = 'usp:job';

export interface JobMetadata<I = unknown> {
  name: string;
  description: string;
  /**
   * The body a run takes (a task's JSON body: `{"orderId": "..."}`), checked before the run starts:
   * a body that does not fit is a 400 naming each field, and no run is recorded. The parsed value
   * reaches the handler as `ctx.input`. Jobs without it ignore any body.
   */
  input?: z.ZodType<I>;
  /**
   * The scope of a run with this input (`order:<id>`): runs of different scopes run at once, two of
   * one scope do not (the second gets 409 and, from Cloud Tasks, is delivered again later).
   */
  scopeOf?: (input: I) => string;
  /**
   * Why JOBS_FORCE_DRY_RUN does not apply to this job (an operator's action that the setting must not
   * turn into a no-op: a backup someone asked for). Given, a run is dry only when its caller asks; a
   * run the setting would have made dry is recorded as the real run it is (`dry_run` false), its
   * summary saying `forcedDryRunNotApplied: <why>`.
   */
  forceDryRunNotApplied?: string;
}

/** Marks a provider implementing JobHandler as the job `POST /jobs/<name>` (and `POST /tasks/<name>`). */
export const Job = <I = unknown>(metadata: JobMetadata<I>): ClassDecorator =>
  SetMetadata(JOB_METADATA, metadata);
