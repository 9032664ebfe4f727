import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, type Principal, Roles } from '@app/auth';
import { ApiOperation, ApiTags } from '@app/openapi';
import { ZodBody } from '@app/validation';
import type { z } from 'zod';
import { actorOf } from '../audit/ella-audit.js';
import { parseParam } from '../api/param.util.js';
import { instanceName } from '../instances/instance.types.js';
import {
  abortBodySchema,
  releaseId,
  type ReleaseView,
  startReleaseSchema,
  stepAction,
  stepBodySchema,
  stepNumber,
} from './release.types.js';
import { ReleasesService } from './releases.service.js';

@ApiTags('releases')
@Controller()
export class ReleasesController {
  constructor(private readonly releases: ReleasesService) {}

  @Post('instances/:name/releases')
  @Roles('operator')
  @ApiOperation({
    summary:
      'Start a release of ELLA on the instance: {version, notes?, expectedAlembicHead?, downtimeMessage?, acceptanceMessage?, reason?}; 409 naming the open one',
  })
  start(
    @Param('name') name: string,
    @ZodBody(startReleaseSchema) body: z.output<typeof startReleaseSchema>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReleaseView> {
    return this.releases.start(parseParam(instanceName, name, 'name'), body, actorOf(principal));
  }

  @Get('instances/:name/releases')
  @Roles('viewer', 'operator')
  @ApiOperation({ summary: "The instance's last 50 releases, newest first, each with its steps" })
  list(@Param('name') name: string): Promise<ReleaseView[]> {
    return this.releases.list(parseParam(instanceName, name, 'name'));
  }

  @Get('releases/:id')
  @Roles('viewer', 'operator')
  @ApiOperation({ summary: 'A release and its nine steps: who, when, outcome, output; the next step' })
  get(@Param('id') id: string): Promise<ReleaseView> {
    return this.releases.get(parseParam(releaseId, id, 'id'));
  }

  @Post('releases/:id/steps/:step/:action')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({
    summary:
      'Run, confirm or skip a step (1 to 9) once the one before is done or skipped; {reason?} (required to skip); audited',
  })
  act(
    @Param('id') id: string,
    @Param('step') step: string,
    @Param('action') action: string,
    @ZodBody(stepBodySchema) body: z.output<typeof stepBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReleaseView> {
    return this.releases.act(
      parseParam(releaseId, id, 'id'),
      parseParam(stepNumber, step, 'step'),
      parseParam(stepAction, action, 'action'),
      body.reason,
      actorOf(principal),
    );
  }

  @Post('releases/:id/abort')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({
    summary: 'Close an open release (a failed one, or one given up), ELLA left as it is; {reason}',
  })
  abort(
    @Param('id') id: string,
    @ZodBody(abortBodySchema) body: z.output<typeof abortBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReleaseView> {
    return this.releases.abort(parseParam(releaseId, id, 'id'), body.reason, actorOf(principal));
  }
}
