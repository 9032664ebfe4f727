import { describe, expect, it } from '@jest/globals';
import type { EllaInstance } from '../instances/instance.types.js';
import type { ProcessInfo } from '../supervisor/supervisor.types.js';
import { checkFailover } from './failover.util.js';

const base = {
  supervisorUrl: 'http://h:9001/RPC2',
  databaseUrl: 'postgresql://x/y',
  ellaUrl: 'http://h/',
  backupUrl: 'file:///b',
};
const prod: EllaInstance = { name: 'prod', role: 'primary', ...base };
const dr: EllaInstance = { name: 'dr', role: 'failover', primary: 'prod', ...base };
const info = (name: string, statename: string): ProcessInfo => ({
  name,
  group: name,
  start: 0,
  stop: 0,
  now: 0,
  state: 0,
  statename,
  spawnerr: '',
  exitstatus: 0,
  pid: 0,
  description: '',
});

describe('checkFailover', () => {
  it('allows a start while the partner runs nothing (stopped, exited or fatal)', () => {
    const programs = [info('api', 'STOPPED'), info('nginx', 'EXITED'), info('polling', 'FATAL')];
    expect(checkFailover(dr, [{ instance: prod, reachable: true, programs }], false)).toEqual({
      allowed: true,
      partnerDown: [],
    });
  });

  it('refuses while any program of the partner is starting, running, backing off or stopping', () => {
    for (const state of ['STARTING', 'RUNNING', 'BACKOFF', 'STOPPING']) {
      const verdict = checkFailover(
        dr,
        [{ instance: prod, reachable: true, programs: [info('api', state)] }],
        true,
      );
      expect(verdict).toEqual({
        allowed: false,
        message: `ELLA cannot start on failover "dr" while programs run on primary "prod": api (${state})`,
      });
    }
  });

  it('refuses when the partner cannot be asked, unless the operator says it is down', () => {
    const partners = [{ instance: prod, reachable: false as const, reason: 'connection refused' }];
    const refused = checkFailover(dr, partners, false);
    expect(refused).toEqual({
      allowed: false,
      message:
        'ELLA cannot start on failover "dr": cannot tell whether ELLA runs on "prod" (connection refused); stop it there, or send partnerDown: true if that VM is down',
    });
    expect(checkFailover(dr, partners, true)).toEqual({
      allowed: true,
      partnerDown: ['"prod" (connection refused)'],
    });
  });

  it('has nothing to check without partners (staging)', () => {
    expect(checkFailover({ ...prod, role: 'staging' }, [], false)).toEqual({
      allowed: true,
      partnerDown: [],
    });
  });
});
