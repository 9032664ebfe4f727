export { bootstrapService, configureService, type ServiceOptions } from './bootstrap.js';
export { HealthModule } from './health.controller.js';
export { AllExceptionsFilter } from './all-exceptions.filter.js';
