import { Controller, Get, Param } from '@nestjs/common';
import { Roles } from '@app/auth';
import { ApiOperation, ApiTags } from '@app/openapi';
import { ZodQuery } from '@app/validation';
import type { z } from 'zod';
import { Clock } from '../clock.js';
import { parseParam } from '../api/param.util.js';
import { instanceName } from '../instances/instance.types.js';
import { healthQuerySchema, type HealthView } from './health.types.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller('instances/:name/health')
export class InstanceHealthController {
  constructor(
    private readonly health: HealthService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('viewer', 'operator')
  @ApiOperation({
    summary:
      'Requests, 5xx count and rate, p50/p95/p99 and the slowest resources over a window (default HEALTH_WINDOW_MINUTES), process states, database and API answers',
  })
  get(
    @Param('name') name: string,
    @ZodQuery(healthQuerySchema) query: z.output<typeof healthQuerySchema>,
  ): Promise<HealthView> {
    return this.health.health(parseParam(instanceName, name, 'name'), query.window, this.clock.now());
  }
}
