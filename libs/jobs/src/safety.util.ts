export interface SafetyLimits {
  /** Largest share of the considered items a run may change, e.g. 0.05. */
  maxChangeRatio?: number;
  /** Largest absolute number of changes, when set. */
  maxChanges?: number;
}

export type SafetyVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * A run may change at most `maxChangeRatio` of what it considered and at most `maxChanges` items.
 * Exactly at a limit is allowed; one over is refused. Nothing considered and nothing planned is fine.
 */
export function checkSafetyLimits(planned: number, considered: number, limits: SafetyLimits): SafetyVerdict {
  if (limits.maxChanges !== undefined && planned > limits.maxChanges) {
    return {
      allowed: false,
      reason: `${planned} planned changes exceed the limit of ${limits.maxChanges} changes per run`,
    };
  }
  if (limits.maxChangeRatio !== undefined && planned > 0) {
    const allowed = Math.floor(limits.maxChangeRatio * considered + 1e-9);
    if (planned > allowed) {
      return {
        allowed: false,
        reason:
          `${planned} planned changes exceed ${formatRatio(limits.maxChangeRatio)} of the ${considered} ` +
          `considered (at most ${allowed})`,
      };
    }
  }
  return { allowed: true };
}

function formatRatio(ratio: number): string {
  return `${Number((ratio * 100).toFixed(4))}%`;
}
