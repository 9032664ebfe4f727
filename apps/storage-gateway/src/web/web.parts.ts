import { type MiddlewareConsumer, NotFoundException, RequestMethod } from '@nestjs/common';
import type { WebSessions } from '@app/auth';
import {
  Assets,
  PLATFORM_PUBLIC_DIR,
  StaticController,
  UNMATCHED_ROUTE_PAGE,
  type UnmatchedRoutePage,
} from '@app/service';
import { AccountPagesController } from './account.pages.controller.js';
import { AdminPagesController } from './admin.pages.controller.js';
import { FormOrders } from './buy.pages.js';
import { PageErrorsFilter } from './page-errors.filter.js';
import { PagesRenderer, PUBLIC_DIR } from './pages.renderer.js';
import { StoragePagesController } from './storage.pages.controller.js';
import { formUpload } from './upload.middleware.js';

/** The pages people use, on the same services as the JSON API. */
export const WEB_CONTROLLERS = [
  StaticController,
  StoragePagesController,
  AccountPagesController,
  AdminPagesController,
];

export const WEB_PROVIDERS = [
  { provide: Assets, useFactory: () => new Assets(PLATFORM_PUBLIC_DIR, PUBLIC_DIR) },
  PagesRenderer,
  PageErrorsFilter,
  FormOrders,
  // A browser asking for an address that matches no route gets the 404 page (the platform's filter asks).
  {
    provide: UNMATCHED_ROUTE_PAGE,
    inject: [PageErrorsFilter],
    useFactory: (pages: PageErrorsFilter): UnmatchedRoutePage => ({
      render: (host) => pages.catch(new NotFoundException('There is no page at this address.'), host),
    }),
  },
];

/**
 * Forms that may carry the purchase order PDF are read (file included) before the guards check CSRF,
 * but only for a signed-in session whose CSRF token comes before the file (`formUpload`).
 */
export function configureWebForms(
  consumer: MiddlewareConsumer,
  poMaxBytes: number,
  sessions: WebSessions,
): void {
  consumer
    .apply(formUpload('poFile', poMaxBytes, sessions))
    .forRoutes(
      { path: 'buy', method: RequestMethod.POST },
      { path: 'accounts/:id/renew', method: RequestMethod.POST },
      { path: 'accounts/:id/increase', method: RequestMethod.POST },
    );
}
