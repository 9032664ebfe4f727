import { type DynamicModule, Inject, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { webAuthOptionsFrom, WebAuthModule, WebSessions } from '@app/auth';
import { AppConfigModule } from '@app/config';
import { bearerFor, GoogleModule, ID_TOKEN_PROVIDER, type IdTokenProvider } from '@app/google';
import { PrismaService } from '@app/db';
import { PlatformModule, UNMATCHED_ROUTE_PAGE } from '@app/service';
import { AccountsService } from './accounts/accounts.service.js';
import {
  AccountsController,
  AdminController,
  OrdersController,
  ProductsController,
  QuotesController,
} from './api/storage.controllers.js';
import { StorageBackendClient } from './backend/storage-backend.client.js';
import { STORAGE_GATEWAY_CONFIG, type StorageGatewayConfig } from './config.js';
import { PurchaseOrderDocuments } from './documents/purchase-order-documents.service.js';
import { Clock, SystemClock } from './domain/clock.js';
import { OrderTasks } from './domain/order-tasks.js';
import { StorageSettings } from './domain/storage-settings.js';
import { ChargesService } from './orders/charges.service.js';
import { OrdersService } from './orders/orders.service.js';
import { CufsApiClient } from './payments/cufs-api.client.js';
import { PaymentCheckService } from './payments/payment-check.service.js';
import { ProductsService } from './products/products.service.js';
import { ProvisioningService } from './provisioning/provisioning.service.js';
import { QuotesService } from './quotes/quotes.service.js';
import { RenewalsJob } from './renewals/renewals.job.js';
import { StorageSeeder } from './seed/storage-seeder.js';
import { QueuedOrderTasks } from './tasks/queued-order-tasks.js';
import { ResumeOrdersJob } from './tasks/resume-orders.job.js';
import { ApplyAccessTask, CheckPaymentTask, ProvisionTask, SyncMembersTask } from './tasks/storage-tasks.js';
import { VouchersService } from './vouchers/vouchers.service.js';
import { configureWebForms, WEB_CONTROLLERS, WEB_PROVIDERS } from './web/web.parts.js';

export const APP = 'storage-gateway';

/**
 * storage-gateway: researchers buy and manage research storage. `config` is the validated
 * environment (tests pass their own). People sign in (web sign-in: OIDC or IAP); Cloud Scheduler
 * and Cloud Tasks call the job and task routes with bearer tokens (PlatformModule's guard).
 */
@Module({})
export class AppModule implements NestModule {
  static forRoot(config: StorageGatewayConfig, overrides: { clock?: Clock } = {}): DynamicModule {
    const settings: StorageSettings = {
      quoteValidDays: config.QUOTE_VALID_DAYS,
      reminderDays: config.RENEWAL_REMINDER_DAYS,
      graceDays: config.RENEWAL_GRACE_DAYS,
      poMaxBytes: config.PO_MAX_BYTES,
    };
    return {
      module: AppModule,
      // Global for one export: the 404 page the platform's error filter (in PlatformModule) asks for.
      global: true,
      exports: [UNMATCHED_ROUTE_PAGE],
      imports: [
        PlatformModule.forRoot(APP, config),
        AppConfigModule.forRoot(STORAGE_GATEWAY_CONFIG, config),
        WebAuthModule.forRoot(webAuthOptionsFrom(config)),
        GoogleModule.forRootAsync({
          useFactory: () => ({
            tasks:
              config.TASKS_MODE === 'cloud-tasks'
                ? {
                    kind: 'cloud-tasks',
                    project: config.GOOGLE_CLOUD_PROJECT ?? '',
                    location: config.TASKS_LOCATION,
                    queue: config.TASKS_QUEUE,
                    targetUrl: config.TASKS_TARGET_URL ?? '',
                    serviceAccountEmail: config.TASKS_SERVICE_ACCOUNT ?? '',
                  }
                : {
                    kind: 'local',
                    targetUrl: config.TASKS_TARGET_URL ?? `http://127.0.0.1:${config.PORT}`,
                    queueName: config.TASKS_QUEUE,
                    bearerToken: config.JOB_TOKEN ?? '',
                  },
            storage:
              config.DOCUMENTS_BUCKET !== undefined
                ? { kind: 'gcs', bucket: config.DOCUMENTS_BUCKET }
                : { kind: 'folder', dir: config.DOCUMENTS_DIR },
            idTokens:
              config.CUFS_API_TOKEN !== undefined
                ? { kind: 'static', token: config.CUFS_API_TOKEN }
                : { kind: 'metadata' },
          }),
        }),
      ],
      controllers: [
        ProductsController,
        QuotesController,
        OrdersController,
        AccountsController,
        AdminController,
        ...WEB_CONTROLLERS,
      ],
      providers: [
        { provide: Clock, useValue: overrides.clock ?? new SystemClock() },
        { provide: StorageSettings, useValue: settings },
        { provide: OrderTasks, useClass: QueuedOrderTasks },
        {
          provide: CufsApiClient,
          inject: [ID_TOKEN_PROVIDER],
          useFactory: (tokens: IdTokenProvider) =>
            new CufsApiClient({
              baseUrl: config.CUFS_API_URL,
              authorization: bearerFor(tokens, config.CUFS_API_AUDIENCE ?? config.CUFS_API_URL),
            }),
        },
        {
          provide: StorageBackendClient,
          useFactory: () =>
            new StorageBackendClient({
              baseUrl: config.STORAGE_BACKEND_URL,
              token: config.STORAGE_BACKEND_TOKEN,
            }),
        },
        ProductsService,
        AccountsService,
        QuotesService,
        OrdersService,
        ChargesService,
        VouchersService,
        PurchaseOrderDocuments,
        PaymentCheckService,
        ProvisioningService,
        RenewalsJob,
        CheckPaymentTask,
        ProvisionTask,
        ApplyAccessTask,
        SyncMembersTask,
        ResumeOrdersJob,
        ...WEB_PROVIDERS,
        ...(config.STORAGE_SEED_FILE === undefined
          ? []
          : [
              {
                provide: StorageSeeder,
                inject: [PrismaService],
                useFactory: (prisma: PrismaService) =>
                  new StorageSeeder(config.STORAGE_SEED_FILE ?? '', prisma),
              },
            ]),
      ],
    };
  }

  constructor(
    @Inject(STORAGE_GATEWAY_CONFIG) private readonly config: StorageGatewayConfig,
    private readonly sessions: WebSessions,
  ) {}

  /**
   * The pages' forms that may carry a purchase order PDF are read before the guards check their CSRF
   * token, and only for a signed-in session whose token comes before the file.
   */
  configure(consumer: MiddlewareConsumer): void {
    configureWebForms(consumer, this.config.PO_MAX_BYTES, this.sessions);
  }
}
