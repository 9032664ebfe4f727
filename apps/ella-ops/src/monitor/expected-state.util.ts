import type { EllaInstance } from '../instances/instance.types.js';
import { ACTIVE_STATES } from '../supervisor/supervisor.types.js';
import type { Problem } from './monitor.types.js';

export interface ProgramState {
  name: string;
  state: string;
}

export type Programs = { reachable: true; programs: ProgramState[] } | { reachable: false; reason: string };

const running = (p: Programs) => p.reachable && p.programs.some((x) => ACTIVE_STATES.has(x.state));
const list = (programs: ProgramState[]) => programs.map((p) => `${p.name} (${p.state})`).join(', ');

/**
 * The process problems of one instance. A primary or staging instance runs every program unless it is
 * expected stopped (`expectedStopped`): an operator stopped it through the gateway, or a release holds
 * it stopped (between its steps 2 and 6: stopped by the release, not started again yet). A failover is
 * stopped while its primary runs, and one of the two must run, except while a release holds the
 * primary stopped (`primary.inRelease`: planned downtime).
 */
export function processProblems(
  instance: EllaInstance,
  own: Programs,
  expectedStopped: boolean,
  primary?: { instance: EllaInstance; programs: Programs; inRelease?: boolean },
): Problem[] {
  if (!own.reachable) {
    return [
      { instance: instance.name, check: 'processes', message: `supervisord does not answer: ${own.reason}` },
    ];
  }
  if (instance.role === 'failover') {
    if (primary === undefined || !primary.programs.reachable) return [];
    const mine = own.programs.filter((p) => ACTIVE_STATES.has(p.state));
    if (running(primary.programs) && mine.length > 0) {
      return [
        {
          instance: instance.name,
          check: 'failover',
          message: `ELLA runs on both primary "${primary.instance.name}" and failover "${instance.name}" (${list(mine)})`,
        },
      ];
    }
    if (!running(primary.programs) && mine.length === 0 && primary.inRelease !== true) {
      return [
        {
          instance: instance.name,
          check: 'failover',
          message: `ELLA runs on neither primary "${primary.instance.name}" nor failover "${instance.name}"`,
        },
      ];
    }
    return [];
  }
  if (expectedStopped) return [];
  const down = own.programs.filter((p) => p.state !== 'RUNNING');
  return down.length === 0
    ? []
    : [{ instance: instance.name, check: 'processes', message: `not running: ${list(down)}` }];
}
