import { describe, expect, it } from '@jest/globals';
import type { EllaInstance } from '../instances/instance.types.js';
import { processProblems, type Programs } from './expected-state.util.js';

const base = {
  supervisorUrl: 'http://x:9001/RPC2',
  databaseUrl: 'postgresql://x/ella',
  ellaUrl: 'https://ella/',
  backupUrl: 'file:///tmp/b',
};
const prod = { ...base, name: 'prod', role: 'primary' } as EllaInstance;
const dr = { ...base, name: 'dr', role: 'failover', primary: 'prod' } as EllaInstance;
const stopped: Programs = { reachable: true, programs: [{ name: 'api', state: 'STOPPED' }] };
const running: Programs = { reachable: true, programs: [{ name: 'api', state: 'RUNNING' }] };

describe('processProblems', () => {
  it('expects a primary running unless it is expected stopped (an operator, or a release between steps 2 and 6)', () => {
    expect(processProblems(prod, stopped, false)).toEqual([
      { instance: 'prod', check: 'processes', message: 'not running: api (STOPPED)' },
    ]);
    expect(processProblems(prod, stopped, true)).toEqual([]);
    expect(processProblems(prod, running, false)).toEqual([]);
  });

  it('wants one of primary and failover running, except while a release holds the primary stopped', () => {
    expect(processProblems(dr, stopped, false, { instance: prod, programs: stopped })).toEqual([
      { instance: 'dr', check: 'failover', message: 'ELLA runs on neither primary "prod" nor failover "dr"' },
    ]);
    expect(
      processProblems(dr, stopped, false, { instance: prod, programs: stopped, inRelease: true }),
    ).toEqual([]);
    // Both running is wrong whatever a release says.
    expect(
      processProblems(dr, running, false, { instance: prod, programs: running, inRelease: true }).map(
        (p) => p.check,
      ),
    ).toEqual(['failover']);
  });
});
