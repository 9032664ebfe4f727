export { bootstrapService, configureService, runService, type ServiceOptions } from './bootstrap.js';
export { HealthModule } from './health.controller.js';
export {
  AllExceptionsFilter,
  UNMATCHED_ROUTE_PAGE,
  type UnmatchedRoutePage,
} from './all-exceptions.filter.js';
export { PlatformModule } from './platform.module.js';
export { READINESS_REPORTERS, type ReadinessReporter } from './readiness.js';
export { type Asset, Assets, PLATFORM_PUBLIC_DIR } from './pages/assets.js';
export { StaticController } from './pages/static.controller.js';
export { httpMessageOf, pagesCsp, setPageHeaders, signInFormTargets } from './pages/page-headers.js';
export { type FieldErrors, formOf, zodErrors } from './pages/forms.util.js';
