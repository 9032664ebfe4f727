import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { PlatformModule } from '@app/service';
import { EllaAudit } from './audit/ella-audit.js';
import { ELLA_OPS_CONFIG, type EllaOpsConfig } from './config.js';
import { InstanceRegistry } from './instances/instance-registry.js';
import { InstancesController } from './instances/instances.controller.js';
import { ProcessesController } from './processes/processes.controller.js';
import { ProcessesService } from './processes/processes.service.js';
import { SupervisorClients } from './supervisor/supervisor-clients.js';

export const APP = 'ella-ops';

/**
 * ella-ops: one operations gateway for every ELLA instance. `config` is the validated environment
 * with its instance list (tests pass their own). Viewers read, operators act (bearer roles `viewer`
 * and `operator`); every action is audited with its reason.
 */
@Module({})
export class AppModule {
  static forRoot(config: EllaOpsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(APP, config), AppConfigModule.forRoot(ELLA_OPS_CONFIG, config)],
      controllers: [InstancesController, ProcessesController],
      providers: [
        { provide: InstanceRegistry, useValue: new InstanceRegistry(config.instances) },
        { provide: SupervisorClients, useValue: new SupervisorClients(config.SUPERVISOR_TIMEOUT_MS) },
        EllaAudit,
        ProcessesService,
      ],
    };
  }
}
