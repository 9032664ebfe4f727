/** The service's charge rules (`ChargeRules`), from its settings. */
export const CHARGE_RULES = Symbol('CHARGE_RULES');
/** `() => number`: milliseconds now (tests pass their own). */
export const CLOCK = Symbol('CLOCK');
