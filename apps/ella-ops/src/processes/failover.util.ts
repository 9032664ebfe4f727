import type { EllaInstance } from '../instances/instance.types.js';
import { ACTIVE_STATES, type ProcessInfo } from '../supervisor/supervisor.types.js';

/** A partner instance (a primary and its failover) and what it runs, or that it could not be asked. */
export type PartnerState =
  | { instance: EllaInstance; reachable: true; programs: ProcessInfo[] }
  | { instance: EllaInstance; reachable: false; reason: string };

export type FailoverVerdict = { allowed: true; partnerDown: string[] } | { allowed: false; message: string };

/**
 * The failover rule: ELLA may start on an instance only while none of its partners (its primary, or
 * its failover) runs a program. A partner that cannot be asked refuses too, unless the operator said
 * it is down (`partnerDown`). The refusal names which programs run where.
 */
export function checkFailover(
  instance: EllaInstance,
  partners: PartnerState[],
  partnerDown: boolean,
): FailoverVerdict {
  const running: string[] = [];
  const unknown: string[] = [];
  for (const partner of partners) {
    if (!partner.reachable) {
      unknown.push(`"${partner.instance.name}" (${partner.reason})`);
      continue;
    }
    const active = partner.programs.filter((p) => ACTIVE_STATES.has(p.statename));
    if (active.length > 0) {
      const list = active.map((p) => `${p.name} (${p.statename})`).join(', ');
      running.push(`on ${partner.instance.role} "${partner.instance.name}": ${list}`);
    }
  }
  const what = `ELLA cannot start on ${instance.role} "${instance.name}"`;
  if (running.length > 0)
    return { allowed: false, message: `${what} while programs run ${running.join('; ')}` };
  if (unknown.length > 0 && !partnerDown) {
    return {
      allowed: false,
      message: `${what}: cannot tell whether ELLA runs on ${unknown.join(', ')}; stop it there, or send partnerDown: true if that VM is down`,
    };
  }
  return { allowed: true, partnerDown: unknown };
}
