import { NotFoundException } from '@nestjs/common';
import {
  Assets,
  PLATFORM_PUBLIC_DIR,
  StaticController,
  UNMATCHED_ROUTE_PAGE,
  type UnmatchedRoutePage,
} from '@app/service';
import { OpsPagesController } from './ops.pages.controller.js';
import { OverviewService } from './overview.service.js';
import { PageErrorsFilter } from './page-errors.filter.js';
import { PagesRenderer, PUBLIC_DIR } from './pages.renderer.js';

/** The operators' pages, on the same services as the JSON API. */
export const WEB_CONTROLLERS = [StaticController, OpsPagesController];

export const WEB_PROVIDERS = [
  { provide: Assets, useFactory: () => new Assets(PLATFORM_PUBLIC_DIR, PUBLIC_DIR) },
  PagesRenderer,
  PageErrorsFilter,
  OverviewService,
  // A browser asking for an address that matches no route gets the 404 page (the platform's filter asks).
  {
    provide: UNMATCHED_ROUTE_PAGE,
    inject: [PageErrorsFilter],
    useFactory: (pages: PageErrorsFilter): UnmatchedRoutePage => ({
      render: (host) => pages.catch(new NotFoundException('There is no page at this address.'), host),
    }),
  },
];
