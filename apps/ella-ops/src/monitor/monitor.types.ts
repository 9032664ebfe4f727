/** One problem the monitor found on an instance: `check` names what was checked. */
export interface Problem {
  instance: string;
  check: 'processes' | 'failover' | 'errors' | 'latency' | 'ui-exceptions' | 'database' | 'api' | 'backup';
  message: string;
}

/** What one instance's checks found, and which checks could be made (only those may clear). */
export interface InstanceFindings {
  instance: string;
  checked: Problem['check'][];
  problems: Problem[];
}

export const keyOf = (p: { instance: string; check: string }) => `${p.instance}:${p.check}`;
