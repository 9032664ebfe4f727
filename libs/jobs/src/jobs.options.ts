export interface JobsModuleOptions {
  /** Name of the app, stored on each run (`covid-pool`). */
  app: string;
  /** JOBS_FORCE_DRY_RUN: every run is a dry run, whatever the caller asks (development, staging). */
  forceDryRun: boolean;
}

export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');
