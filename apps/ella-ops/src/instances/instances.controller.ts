import { Controller, Get } from '@nestjs/common';
import { Roles } from '@app/auth';
import { ApiOperation, ApiTags } from '@app/openapi';
import { InstanceRegistry } from './instance-registry.js';
import { type InstanceView, toInstanceView } from './instance.types.js';

@ApiTags('instances')
@Controller('instances')
export class InstancesController {
  constructor(private readonly registry: InstanceRegistry) {}

  @Get()
  @Roles('viewer', 'operator')
  @ApiOperation({ summary: 'The configured ELLA instances (no credentials)' })
  list(): InstanceView[] {
    return this.registry.instances.map(toInstanceView);
  }
}
