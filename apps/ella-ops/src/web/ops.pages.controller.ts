import {
  BadRequestException,
  Controller,
  Get,
  HttpException,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { appendSetCookie, CurrentUser, SignedInPage, type WebUser } from '@app/auth';
import { type FieldErrors, formOf, httpMessageOf, zodErrors } from '@app/service';
import { parseParam } from '../api/param.util.js';
import { BackupsService } from '../backups/backups.service.js';
import { broadcastBodySchema } from '../broadcasts/broadcast.types.js';
import { BroadcastsService } from '../broadcasts/broadcasts.service.js';
import { Clock } from '../clock.js';
import { ELLA_OPS_CONFIG, type EllaOpsConfig } from '../config.js';
import { HealthService } from '../health/health.service.js';
import { InstanceRegistry } from '../instances/instance-registry.js';
import { instanceName } from '../instances/instance.types.js';
import { actionBodySchema, programName } from '../processes/process.types.js';
import { ProcessesService } from '../processes/processes.service.js';
import { releaseId, STEPS, startReleaseSchema, stepNumber } from '../releases/release.types.js';
import { ReleasesService } from '../releases/releases.service.js';
import { uiExceptionsQuerySchema } from '../ui-exceptions/ui-exception.types.js';
import { UiExceptionsService } from '../ui-exceptions/ui-exceptions.service.js';
import { type Flash, FlashCookies } from './flash.util.js';
import { OverviewService, within } from './overview.service.js';
import { PageErrorsFilter } from './page-errors.filter.js';
import { OPERATOR, PagesRenderer, VIEWER, viewerOf } from './pages.renderer.js';

/** How long the instance page waits for each of its parts. */
const PART_TIMEOUT_MS = 15_000;
const LOG_BYTES = 16_384;
const RECENT_BROADCASTS = 10;
/** Finished releases the instance page lists (the open one is shown above them). */
const RECENT_RELEASES = 5;
/** How often a release page waiting for its step 3 (the backup) refreshes itself. */
const RELEASE_REFRESH_SECONDS = 10;

const PROGRAM_ACTIONS = ['start', 'stop', 'restart'] as const;
const INSTANCE_ACTIONS = ['start', 'stop'] as const;
const STEP_ACTIONS = ['run', 'confirm', 'skip'] as const;

/** What a re-shown instance page carries after a refused or invalid action. */
interface Shown {
  errors?: FieldErrors;
  values?: Record<string, string>;
  flash?: Flash;
  /** The release page only: `?refresh=on`, honoured while step 3 waits for its backup. */
  refresh?: boolean;
}

/** Shows the page an action was made from again, with the problem and the values typed. */
type Reshow = (shown: Shown, status: number) => Promise<void>;

/**
 * The operators' pages: the overview of every instance (refreshing itself), a page per instance with
 * its actions, a program's log, the UI exceptions with their stack traces. Viewers and operators read;
 * only operators see the action forms, and the server refuses a viewer's POST (403) whatever a page
 * showed. Every action is a POST form with the CSRF token and a required reason, audited as the API's
 * are; the result comes back as a message on the instance page (post/redirect/get), a refusal (409,
 * 502...) or a problem with the form on the page itself with the form's values kept.
 */
@Controller()
@SignedInPage(VIEWER, OPERATOR)
@UseFilters(PageErrorsFilter)
export class OpsPagesController {
  private readonly flashes: FlashCookies;

  constructor(
    private readonly pages: PagesRenderer,
    private readonly overviewService: OverviewService,
    private readonly registry: InstanceRegistry,
    private readonly processes: ProcessesService,
    private readonly broadcasts: BroadcastsService,
    private readonly exceptions: UiExceptionsService,
    private readonly health: HealthService,
    private readonly backups: BackupsService,
    private readonly releases: ReleasesService,
    private readonly clock: Clock,
    @Inject(ELLA_OPS_CONFIG) config: EllaOpsConfig,
  ) {
    this.flashes = new FlashCookies(
      config.SESSION_SECRET ?? '',
      (config.AUTH_BASE_URL ?? '').startsWith('https:'),
    );
  }

  @Get()
  async overview(
    @CurrentUser() user: WebUser,
    @Query('refresh') refresh: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const overview = await this.overviewService.overview();
    this.pages.send(res, 'overview', 'ELLA instances', viewerOf(user), {
      overview,
      // Without JavaScript, the page refreshes itself only when asked (WCAG 2.2.1: a person can stop it).
      metaRefresh: refresh === 'on',
      scripts: ['refresh.js'],
    });
  }

  @Get('instance/:name')
  async instance(
    @CurrentUser() user: WebUser,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const flash = this.flashes.read(req.headers.cookie);
    // Appended: the web guard may have set the renewed session cookie on this response already.
    if (flash !== undefined) appendSetCookie(res, this.flashes.clear());
    await this.showInstance(res, user, name, flash === undefined ? {} : { flash }, 200);
  }

  @Get('instance/:name/logs/:program')
  async log(
    @CurrentUser() user: WebUser,
    @Param('name') name: string,
    @Param('program') program: string,
    @Res() res: Response,
  ): Promise<void> {
    const instance = this.instanceOf(name);
    const checked = parseParam(programName, program, 'program');
    const tail = await this.processes.tail(instance, checked, LOG_BYTES);
    this.pages.send(res, 'log', `Log of ${checked} on ${instance}`, viewerOf(user), {
      instance,
      tail,
      bytes: LOG_BYTES,
    });
  }

  @Get('instance/:name/ui-exceptions')
  async uiExceptions(
    @CurrentUser() user: WebUser,
    @Param('name') name: string,
    @Res() res: Response,
  ): Promise<void> {
    const instance = this.instanceOf(name);
    const list = await this.exceptions.list(
      instance,
      uiExceptionsQuerySchema.parse({ stack: 'true' }),
      this.clock.now(),
    );
    this.pages.send(res, 'ui-exceptions', `UI exceptions of ${instance}`, viewerOf(user), { instance, list });
  }

  @Post('instance/:name/programs/:program')
  @SignedInPage(OPERATOR)
  async program(
    @CurrentUser() user: WebUser,
    @Param('name') name: string,
    @Param('program') program: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const instance = this.instanceOf(name);
    const checked = parseParam(programName, program, 'program');
    const form = formOf(req.body);
    const formId = `program-${form.row ?? ''}`;
    const action = PROGRAM_ACTIONS.find((a) => a === form.action);
    const parsed = actionBodySchema.safeParse({ reason: form.reason ?? '' });
    const errors: FieldErrors = {};
    if (action === undefined) errors[`${formId}-form`] = 'Choose start, stop or restart';
    if (!parsed.success) Object.assign(errors, prefixed(formId, zodErrors(parsed.error)));
    if (action === undefined || !parsed.success) {
      return this.showInstance(res, user, instance, { errors, values: prefixedValues(formId, form) }, 400);
    }
    await this.act(res, user, instance, formId, form, async () => {
      const result = await this.processes.actOnProgram(instance, checked, action, parsed.data, actorOf(user));
      return `${checked}: ${action} done, now ${result.state}`;
    });
  }

  @Post('instance/:name/all')
  @SignedInPage(OPERATOR)
  async all(
    @CurrentUser() user: WebUser,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const instance = this.instanceOf(name);
    const form = formOf(req.body);
    const formId = 'all';
    const action = INSTANCE_ACTIONS.find((a) => a === form.action);
    const parsed = actionBodySchema.safeParse({
      reason: form.reason ?? '',
      ...(form.partnerDown === 'yes' ? { partnerDown: true } : {}),
    });
    const errors: FieldErrors = {};
    if (action === undefined) errors[`${formId}-form`] = 'Choose start all or stop all';
    if (!parsed.success) Object.assign(errors, prefixed(formId, zodErrors(parsed.error)));
    if (action === undefined || !parsed.success) {
      return this.showInstance(res, user, instance, { errors, values: prefixedValues(formId, form) }, 400);
    }
    await this.act(res, user, instance, formId, form, async () => {
      const result = await this.processes.actOnInstance(instance, action, parsed.data, actorOf(user));
      const states = result.programs.map((p) => `${p.name} ${p.state}`).join(', ');
      return `${action === 'start' ? 'Started' : 'Stopped'} all programs: ${states}`;
    });
  }

  @Post('instance/:name/broadcasts')
  @SignedInPage(OPERATOR)
  async postBroadcast(
    @CurrentUser() user: WebUser,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const instance = this.instanceOf(name);
    const form = formOf(req.body);
    const formId = 'broadcast';
    const endsAt = endsAtOf(form.endsAt ?? '');
    const parsed = broadcastBodySchema.safeParse({
      message: form.message ?? '',
      reason: form.reason ?? '',
      ...(endsAt === undefined ? {} : { endsAt }),
    });
    if (!parsed.success) {
      const errors = prefixed(formId, zodErrors(parsed.error));
      if (errors[`${formId}-endsAt`] !== undefined)
        errors[`${formId}-endsAt`] = 'must be a date and time in UTC, like 2030-01-31 18:00';
      return this.showInstance(res, user, instance, { errors, values: prefixedValues(formId, form) }, 400);
    }
    await this.act(res, user, instance, formId, form, async () => {
      const created = await this.broadcasts.create(instance, parsed.data, actorOf(user), this.clock.now());
      return `Broadcast ${created.id} posted`;
    });
  }

  @Post('instance/:name/broadcasts/:id/deactivate')
  @SignedInPage(OPERATOR)
  async deactivate(
    @CurrentUser() user: WebUser,
    @Param('name') name: string,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const instance = this.instanceOf(name);
    const broadcastId = parseParam(z.coerce.number().int().min(1).max(2_147_483_647), id, 'id');
    const form = formOf(req.body);
    const formId = `deactivate-${broadcastId}`;
    const parsed = actionBodySchema.safeParse({ reason: form.reason ?? '' });
    if (!parsed.success) {
      const errors = prefixed(formId, zodErrors(parsed.error));
      return this.showInstance(res, user, instance, { errors, values: prefixedValues(formId, form) }, 400);
    }
    await this.act(res, user, instance, formId, form, async () => {
      await this.broadcasts.deactivate(instance, broadcastId, parsed.data.reason, actorOf(user));
      return `Broadcast ${broadcastId} deactivated`;
    });
  }

  @Post('instance/:name/backups')
  @SignedInPage(OPERATOR)
  async backUp(
    @CurrentUser() user: WebUser,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const instance = this.instanceOf(name);
    const form = formOf(req.body);
    const formId = 'backup';
    const parsed = actionBodySchema.safeParse({ reason: form.reason ?? '' });
    if (!parsed.success) {
      const errors = prefixed(formId, zodErrors(parsed.error));
      return this.showInstance(res, user, instance, { errors, values: prefixedValues(formId, form) }, 400);
    }
    await this.act(res, user, instance, formId, form, async () => {
      const backup = await this.backups.backUp(instance, parsed.data.reason, actorOf(user));
      // The dump and its check run in the background (the backup task): the page lists how it ends.
      if (backup.status === 'running')
        return `Backup ${backup.id} started: it runs in the background, its state is under Backups`;
      return backup.status === 'verified'
        ? `Backup ${backup.id} made and verified`
        : `Backup ${backup.id} ${backup.status}${backup.error === null ? '' : `: ${backup.error}`}`;
    });
  }

  @Post('instance/:name/releases')
  @SignedInPage(OPERATOR)
  async startRelease(
    @CurrentUser() user: WebUser,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const instance = this.instanceOf(name);
    const form = formOf(req.body);
    const formId = 'release';
    const optional = (field: string) => {
      const value = (form[field] ?? '').trim();
      return value === '' ? {} : { [field]: value };
    };
    const parsed = startReleaseSchema.safeParse({
      version: (form.version ?? '').trim(),
      notes: form.notes ?? '',
      ...optional('expectedAlembicHead'),
      ...optional('downtimeMessage'),
      ...optional('acceptanceMessage'),
    });
    // On the pages, as for every other action, the reason is required.
    const reason = actionBodySchema.safeParse({ reason: form.reason ?? '' });
    if (!parsed.success || !reason.success) {
      const errors = {
        ...(parsed.success ? {} : prefixed(formId, zodErrors(parsed.error))),
        ...(reason.success ? {} : prefixed(formId, zodErrors(reason.error))),
      };
      return this.showInstance(res, user, instance, { errors, values: prefixedValues(formId, form) }, 400);
    }
    await this.perform(
      res,
      formId,
      form,
      (shown, status) => this.showInstance(res, user, instance, shown, status),
      async () => {
        const release = await this.releases.start(
          instance,
          { ...parsed.data, reason: reason.data.reason },
          actorOf(user),
        );
        return {
          message: `Release ${release.id} (${release.version}) started: step 1 is next`,
          to: `/release/${release.id}`,
        };
      },
    );
  }

  @Get('release/:id')
  async release(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Query('refresh') refresh: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const checked = parseParam(releaseId, id, 'id');
    const flash = this.flashes.read(req.headers.cookie);
    if (flash !== undefined) appendSetCookie(res, this.flashes.clear());
    await this.showRelease(
      res,
      user,
      checked,
      { refresh: refresh === 'on', ...(flash === undefined ? {} : { flash }) },
      200,
    );
  }

  @Post('release/:id/steps/:step')
  @SignedInPage(OPERATOR)
  async releaseStep(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Param('step') step: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const release = parseParam(releaseId, id, 'id');
    const number = parseParam(stepNumber, step, 'step');
    const form = formOf(req.body);
    const action = STEP_ACTIONS.find((a) => a === form.action);
    // Skipping has its own form (its reason is required); running and confirming share one.
    const formId = `${action === 'skip' ? 'skip' : 'step'}-${number}`;
    const typed = (form.reason ?? '').trim();
    const parsed =
      action === 'skip' || typed !== ''
        ? actionBodySchema.safeParse({ reason: form.reason ?? '' })
        : ({ success: true, data: { reason: undefined } } as const);
    const errors: FieldErrors = {};
    if (action === undefined) errors[`${formId}-form`] = 'Choose run, confirm or skip';
    if (!parsed.success) {
      Object.assign(errors, prefixed(formId, zodErrors(parsed.error)));
      if (action === 'skip' && typed === '') errors[`${formId}-reason`] = 'is required to skip a step';
    }
    const reshow: Reshow = (shown, status) => this.showRelease(res, user, release, shown, status);
    if (action === undefined || !parsed.success) {
      return reshow({ errors, values: prefixedValues(formId, form) }, 400);
    }
    await this.perform(res, formId, form, reshow, async () => {
      const view = await this.releases.act(release, number, action, parsed.data.reason, actorOf(user));
      const done = view.steps.find((s) => s.number === number);
      const title = `Step ${number} (${STEPS[number - 1]?.title ?? '?'})`;
      let message = `${title}: ${done?.status ?? 'unknown'}`;
      if (done?.status === 'failed') message += `: ${done.error ?? ''}`;
      if (done?.status === 'running' && number === 3)
        message += `: backup ${done.backupId ?? '?'} is being made and verified in the background`;
      if (view.status === 'completed') message += `. Release ${view.version} is completed`;
      return { message, to: `/release/${view.id}` };
    });
  }

  @Post('release/:id/abort')
  @SignedInPage(OPERATOR)
  async abortRelease(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const release = parseParam(releaseId, id, 'id');
    const form = formOf(req.body);
    const formId = 'abort';
    const reshow: Reshow = (shown, status) => this.showRelease(res, user, release, shown, status);
    const parsed = actionBodySchema.safeParse({ reason: form.reason ?? '' });
    if (!parsed.success) {
      return reshow(
        { errors: prefixed(formId, zodErrors(parsed.error)), values: prefixedValues(formId, form) },
        400,
      );
    }
    await this.perform(res, formId, form, reshow, async () => {
      const view = await this.releases.abort(release, parsed.data.reason, actorOf(user));
      return { message: `Release ${view.id} (${view.version}) aborted`, to: `/release/${view.id}` };
    });
  }

  /** A checked instance name that exists (404 page otherwise). */
  private instanceOf(name: string): string {
    const checked = parseParam(instanceName, name, 'name');
    this.registry.get(checked);
    return checked;
  }

  /**
   * Runs an action from the instance page: done, the instance page with the result
   * (post/redirect/get); refused or failed, the instance page again (see `perform`).
   */
  private async act(
    res: Response,
    user: WebUser,
    instance: string,
    formId: string,
    form: Record<string, string>,
    action: () => Promise<string>,
  ): Promise<void> {
    await this.perform(
      res,
      formId,
      form,
      (shown, status) => this.showInstance(res, user, instance, shown, status),
      async () => ({ message: await action(), to: `/instance/${instance}` }),
    );
  }

  /**
   * Runs an action: done, a redirect (303) to the page it names, which says what happened once (the
   * flash cookie); refused or failed with an HTTP answer (400, 404, 409, 502, 503), the page it came
   * from with that status, the message (a 400's next to its field) and the form's values; anything
   * else goes on to the error page.
   */
  private async perform(
    res: Response,
    formId: string,
    form: Record<string, string>,
    reshow: Reshow,
    action: () => Promise<{ message: string; to: string }>,
  ): Promise<void> {
    let done: { message: string; to: string };
    try {
      done = await action();
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      const status = error.getStatus();
      if (status < 400 || status === 500) throw error;
      const invalid = error instanceof BadRequestException;
      return reshow(
        {
          errors: invalid ? fieldProblems(formId, error) : {},
          values: prefixedValues(formId, form),
          ...(invalid ? {} : { flash: { kind: 'problem', message: httpMessageOf(error) } }),
        },
        status,
      );
    }
    appendSetCookie(res, this.flashes.header({ kind: 'done', message: done.message }));
    res.redirect(303, done.to);
  }

  private async showInstance(
    res: Response,
    user: WebUser,
    name: string,
    shown: Shown,
    status: number,
  ): Promise<void> {
    const instanceName_ = this.instanceOf(name);
    const instance = this.registry.get(instanceName_);
    const now = this.clock.now();
    const [processes, health, broadcasts, exceptions, backups, releases] = await Promise.all([
      within(this.processes.list(instanceName_), PART_TIMEOUT_MS, 'supervisord'),
      within(this.health.health(instanceName_, undefined, now), PART_TIMEOUT_MS, 'health'),
      within(this.broadcasts.list(instanceName_, RECENT_BROADCASTS), PART_TIMEOUT_MS, 'broadcasts'),
      within(
        this.exceptions.list(instanceName_, uiExceptionsQuerySchema.parse({}), now),
        PART_TIMEOUT_MS,
        'UI exceptions',
      ),
      within(this.backups.list(instanceName_), PART_TIMEOUT_MS, 'backups'),
      within(this.releases.list(instanceName_), PART_TIMEOUT_MS, 'releases'),
    ]);
    const openRelease = releases.ok
      ? (releases.value.find((r) => r.status === 'in_progress' || r.status === 'failed') ?? null)
      : null;
    const finishedReleases = releases.ok
      ? releases.value.filter((r) => r !== openRelease).slice(0, RECENT_RELEASES)
      : [];
    this.pages.send(
      res,
      'instance',
      `Instance ${instanceName_}`,
      viewerOf(user),
      {
        instance: {
          name: instance.name,
          role: instance.role,
          primary: instance.primary,
          ellaUrl: instance.ellaUrl,
        },
        processes,
        health,
        broadcasts,
        exceptions,
        backups,
        releases: releases.ok
          ? { ok: true, value: { open: openRelease, finished: finishedReleases } }
          : releases,
        errors: shown.errors ?? {},
        values: shown.values ?? {},
        flash: shown.flash ?? null,
        now,
      },
      status,
    );
  }

  private async showRelease(
    res: Response,
    user: WebUser,
    id: bigint,
    shown: Shown,
    status: number,
  ): Promise<void> {
    const release = await this.releases.get(id);
    const backingUp = release.steps.some((s) => s.number === 3 && s.status === 'running');
    this.pages.send(
      res,
      'release',
      `Release ${release.version} on ${release.instance}`,
      viewerOf(user),
      {
        release,
        backingUp,
        refreshSeconds: RELEASE_REFRESH_SECONDS,
        // While step 3 waits for its backup the page refreshes itself (refresh.js); without
        // JavaScript only when asked (`?refresh=on`), and never once the backup has ended.
        metaRefresh: backingUp && shown.refresh === true ? RELEASE_REFRESH_SECONDS : false,
        scripts: backingUp ? ['refresh.js'] : [],
        errors: shown.errors ?? {},
        values: shown.values ?? {},
        flash: shown.flash ?? null,
      },
      status,
    );
  }
}

const actorOf = (user: WebUser): string => user.email ?? user.subject;

/** A form's problems under ids unique on the page (`<form>-<field>`). */
function prefixed(formId: string, errors: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [`${formId}-${field}`, message]),
  );
}

function prefixedValues(formId: string, form: Record<string, string>): Record<string, string> {
  return prefixed(formId, form);
}

/** A service's 400 (`{message, problems:[{field, message}]}`) as the form's field problems. */
function fieldProblems(formId: string, error: BadRequestException): FieldErrors {
  const body = error.getResponse();
  const errors: FieldErrors = {};
  if (typeof body === 'object' && body !== null && 'problems' in body && Array.isArray(body.problems)) {
    for (const p of body.problems as { field?: unknown; message?: unknown }[]) {
      if (typeof p.field === 'string' && typeof p.message === 'string') {
        // The action and the step are the form's own (its buttons, its address), not fields of it.
        const field = p.field === 'action' || p.field === 'step' ? 'form' : p.field;
        errors[`${formId}-${field}`] ??= p.message;
      }
    }
  }
  if (Object.keys(errors).length === 0) errors[`${formId}-form`] = httpMessageOf(error);
  return errors;
}

/**
 * The end time typed into the form: empty is none; `2030-01-31 18:00` or `2030-01-31T18:00` is UTC
 * (what the field asks for); an ISO time with its offset is taken as it is. Anything else goes to the
 * schema as typed, which names the field.
 */
export function endsAtOf(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$/.exec(trimmed);
  if (local !== null) return `${local[1]}T${local[2]}:00Z`;
  return trimmed;
}
