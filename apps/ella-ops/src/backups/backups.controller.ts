import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, type Principal, Roles } from '@app/auth';
import { ApiOperation, ApiTags } from '@app/openapi';
import { ZodBody } from '@app/validation';
import { z } from 'zod';
import { actorOf } from '../audit/ella-audit.js';
import { parseParam } from '../api/param.util.js';
import { instanceName } from '../instances/instance.types.js';
import { reasonSchema } from '../processes/process.types.js';
import type { BackupView } from './backup.types.js';
import { BackupsService } from './backups.service.js';

const bodySchema = z.strictObject({ reason: reasonSchema });
const backupId = z
  .string()
  .regex(/^[1-9][0-9]{0,17}$/, 'must be a backup id')
  .transform((id) => BigInt(id));

@ApiTags('backups')
@Controller('instances/:name/backups')
export class BackupsController {
  constructor(private readonly backups: BackupsService) {}

  @Get()
  @Roles('viewer', 'operator')
  @ApiOperation({ summary: 'Backups of the instance, newest first: status, object, size, SHA-256' })
  list(@Param('name') name: string): Promise<BackupView[]> {
    return this.backups.list(parseParam(instanceName, name, 'name'));
  }

  @Get(':id')
  @Roles('viewer', 'operator')
  @ApiOperation({ summary: 'One backup: its status while it runs, then verified or failed with why' })
  one(@Param('name') name: string, @Param('id') id: string): Promise<BackupView> {
    return this.backups.get(parseParam(instanceName, name, 'name'), parseParam(backupId, id, 'id'));
  }

  @Post()
  @HttpCode(202)
  @Roles('operator')
  @ApiOperation({
    summary:
      'Starts a backup (202 with the running backup; 409 while one runs): a task streams pg_dump -Fc to the backup store, records SHA-256 and size, verifies with pg_restore --list, then retention; audited',
  })
  create(
    @Param('name') name: string,
    @ZodBody(bodySchema) body: z.output<typeof bodySchema>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BackupView> {
    return this.backups.backUp(parseParam(instanceName, name, 'name'), body.reason, actorOf(principal));
  }

  @Post(':id/verify')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({
    summary: 'Read a backup back (pg_restore --list, SHA-256): a damaged one becomes failed; audited',
  })
  verify(
    @Param('name') name: string,
    @Param('id') id: string,
    @ZodBody(bodySchema) body: z.output<typeof bodySchema>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BackupView> {
    return this.backups.verify(
      parseParam(instanceName, name, 'name'),
      parseParam(backupId, id, 'id'),
      body.reason,
      actorOf(principal),
    );
  }
}
