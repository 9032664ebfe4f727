/**
 * Something `/readyz` reports on without failing readiness for it (a system the app calls whose
 * absence makes some answers a 503, but not the instance unfit to serve): provided by an app under
 * READINESS_REPORTERS in a global module. `report()` must not throw and should answer within a few
 * seconds; what it returns appears as `{ [name]: <report> }`.
 */
export interface ReadinessReporter {
  readonly name: string;
  report(): Promise<string>;
}

export const READINESS_REPORTERS = Symbol('READINESS_REPORTERS');
