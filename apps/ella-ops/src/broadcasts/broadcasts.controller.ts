import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, type Principal, Roles } from '@app/auth';
import { ApiOperation, ApiTags } from '@app/openapi';
import { ZodBody, ZodQuery } from '@app/validation';
import { z } from 'zod';
import { actorOf } from '../audit/ella-audit.js';
import { Clock } from '../clock.js';
import { parseParam } from '../api/param.util.js';
import { dbAsHttp } from '../ella-db/ella-databases.js';
import { instanceName } from '../instances/instance.types.js';
import {
  type BroadcastBody,
  broadcastBodySchema,
  broadcastsQuerySchema,
  type BroadcastView,
  deactivateBodySchema,
} from './broadcast.types.js';
import { BroadcastsService } from './broadcasts.service.js';

const broadcastId = z.coerce
  .number()
  .int('must be a whole number')
  .min(1, 'must be a broadcast id')
  .max(2_147_483_647, 'must be a broadcast id');

@ApiTags('broadcasts')
@Controller('instances/:name/broadcasts')
export class BroadcastsController {
  constructor(
    private readonly broadcasts: BroadcastsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('viewer', 'operator')
  @ApiOperation({ summary: 'Active broadcasts and the most recent inactive ones, newest first' })
  list(
    @Param('name') name: string,
    @ZodQuery(broadcastsQuerySchema) query: z.output<typeof broadcastsQuerySchema>,
  ): Promise<{ active: BroadcastView[]; recent: BroadcastView[] }> {
    return dbAsHttp(() => this.broadcasts.list(parseParam(instanceName, name, 'name'), query.recent));
  }

  @Post()
  @Roles('operator')
  @ApiOperation({
    summary: 'Post a broadcast (1-1000 characters, no control characters), optionally with an end; audited',
  })
  create(
    @Param('name') name: string,
    @ZodBody(broadcastBodySchema) body: BroadcastBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BroadcastView> {
    return dbAsHttp(() =>
      this.broadcasts.create(
        parseParam(instanceName, name, 'name'),
        body,
        actorOf(principal),
        this.clock.now(),
      ),
    );
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Deactivate a broadcast; audited with the reason' })
  deactivate(
    @Param('name') name: string,
    @Param('id') id: string,
    @ZodBody(deactivateBodySchema) body: z.output<typeof deactivateBodySchema>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BroadcastView> {
    return dbAsHttp(() =>
      this.broadcasts.deactivate(
        parseParam(instanceName, name, 'name'),
        parseParam(broadcastId, id, 'id'),
        body.reason,
        actorOf(principal),
      ),
    );
  }
}
