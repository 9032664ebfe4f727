import { Controller, Get, Param } from '@nestjs/common';
import { Roles } from '@app/auth';
import { ApiOperation, ApiTags } from '@app/openapi';
import { ZodValidationPipe } from '@app/validation';
import { Query } from '@nestjs/common';
import { Clock } from '../clock.js';
import { parseParam } from '../api/param.util.js';
import { dbAsHttp } from '../ella-db/ella-databases.js';
import { instanceName } from '../instances/instance.types.js';
import {
  type UiExceptionsQuery,
  uiExceptionsQuerySchema,
  type UiExceptionsView,
} from './ui-exception.types.js';
import { UiExceptionsService } from './ui-exceptions.service.js';

@ApiTags('ui-exceptions')
@Controller('instances/:name/ui-exceptions')
export class UiExceptionsController {
  constructor(
    private readonly exceptions: UiExceptionsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('viewer', 'operator')
  @ApiOperation({
    summary:
      'UI exceptions newest first (from, to, limit), grouped by message with counts and first/last seen; the stack trace with stack=true; never the front-end state',
  })
  list(
    @Param('name') name: string,
    @Query(new ZodValidationPipe(uiExceptionsQuerySchema, 'query')) query: UiExceptionsQuery,
  ): Promise<UiExceptionsView> {
    return dbAsHttp(() =>
      this.exceptions.list(parseParam(instanceName, name, 'name'), query, this.clock.now()),
    );
  }
}
