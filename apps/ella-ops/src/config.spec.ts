import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@app/config';
import { loadEllaOpsConfig } from './config.js';

const SECRET = 'sup3r-s3cret-password';
const prod = {
  name: 'prod',
  role: 'primary',
  supervisorUrl: 'http://ella-prod:9001/RPC2',
  supervisorUsername: 'ops',
  supervisorPassword: SECRET,
  databaseUrl: `postgresql://ella:${SECRET}@db/ella`,
  ellaUrl: 'https://ella.example.org/',
  backupUrl: 'gs://ella-backups/prod',
};
const dr = { ...prod, name: 'dr', role: 'failover', primary: 'prod', backupUrl: 'file:///var/backups/ella' };
/** Web sign-in (required: the pages). */
const WEB = {
  AUTH_BASE_URL: 'https://ella-ops.example.org',
  OIDC_ISSUER_URL: 'https://login.example.org/',
  OIDC_CLIENT_ID: 'ella-ops',
  OIDC_CLIENT_SECRET: 'a-client-secret',
  SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
};
const env = (instances: unknown, extra: Record<string, string> = {}) => ({
  JOB_TOKEN: 'ella-ops-job-token-0123456789',
  ...WEB,
  ELLA_INSTANCES: typeof instances === 'string' ? instances : JSON.stringify(instances),
  ...extra,
});

function problems(input: NodeJS.ProcessEnv): string {
  try {
    loadEllaOpsConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain(SECRET);
    return message;
  }
  throw new Error('expected a ConfigError');
}

describe('ella-ops settings', () => {
  it('needs web sign-in, and reads viewers and operators by address and group', () => {
    const config = loadEllaOpsConfig(
      env([prod], {
        VIEWER_EMAILS: 'v@example.org',
        VIEWER_GROUPS: 'ella-viewers, ella-devs',
        OPERATOR_GROUPS: 'ella-operators',
        OIDC_GROUPS_CLAIM: 'roles',
      }),
    );
    expect(config.VIEWER_EMAILS).toEqual(['v@example.org']);
    expect(config.VIEWER_GROUPS).toEqual(['ella-viewers', 'ella-devs']);
    expect(config.OPERATOR_GROUPS).toEqual(['ella-operators']);
    expect(config.OPERATOR_EMAILS).toEqual([]);
    expect(config.OIDC_GROUPS_CLAIM).toBe('roles');
    const { SESSION_SECRET: _secret, ...withoutSecret } = env([prod]);
    expect(problems(withoutSecret)).toContain('SESSION_SECRET: is required for web sign-in');
  });

  it('refuses group roles behind IAP, which passes no groups', () => {
    const iap = { AUTH_MODE: 'iap', IAP_AUDIENCE: '/projects/1/global/backendServices/2' };
    expect(problems(env([prod], { ...iap, OPERATOR_GROUPS: 'ella-operators' }))).toContain(
      'OPERATOR_GROUPS: groups come from the ID token of our own sign-in (AUTH_MODE=oidc)',
    );
    expect(problems(env([prod], { ...iap, VIEWER_GROUPS: 'ella-developers' }))).toContain('VIEWER_GROUPS:');
    expect(loadEllaOpsConfig(env([prod], { ...iap, OPERATOR_EMAILS: 'op1@example.org' })).AUTH_MODE).toBe(
      'iap',
    );
  });

  it('reads the instances, with defaults', () => {
    const config = loadEllaOpsConfig(env([prod, dr]));
    expect(config.PORT).toBe(3006);
    expect(config.HEALTH_WINDOW_MINUTES).toBe(15);
    expect(config.instances.map((i) => [i.name, i.role, i.primary])).toEqual([
      ['prod', 'primary', undefined],
      ['dr', 'failover', 'prod'],
    ]);
  });

  it('reads them from ELLA_INSTANCES_FILE', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ella-ops-config-'));
    try {
      const file = path.join(dir, 'instances.json');
      await writeFile(file, JSON.stringify([prod]));
      const config = loadEllaOpsConfig({
        JOB_TOKEN: 'ella-ops-job-token-0123456789',
        ...WEB,
        ELLA_INSTANCES_FILE: file,
      });
      expect(config.instances).toHaveLength(1);
      expect(
        problems({
          JOB_TOKEN: 'ella-ops-job-token-0123456789',
          ...WEB,
          ELLA_INSTANCES_FILE: path.join(dir, 'none'),
        }),
      ).toContain('ELLA_INSTANCES_FILE: names a file that cannot be read');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs backups through the local task queue, or Cloud Tasks with its settings', () => {
    const local = loadEllaOpsConfig(env([prod]));
    expect([local.TASKS_MODE, local.TASKS_QUEUE, local.BACKUP_TIMEOUT_MINUTES]).toEqual([
      'local',
      'ella-ops',
      60,
    ]);
    expect(local.RELEASE_NOTIFY_EMAILS).toEqual([]);
    const cloud = problems(env([prod], { TASKS_MODE: 'cloud-tasks' }));
    for (const key of ['GOOGLE_CLOUD_PROJECT', 'TASKS_SERVICE_ACCOUNT', 'TASKS_TARGET_URL']) {
      expect(cloud).toContain(`${key}: is required when TASKS_MODE=cloud-tasks`);
    }
    expect(
      problems({
        ELLA_INSTANCES: JSON.stringify([prod]),
        JOB_AUTH_MODE: 'iam',
        JOB_ALLOWED_EMAILS: 'a@b.org',
      }),
    ).toContain('JOB_TOKEN: is required when TASKS_MODE=local');
    expect(problems(env([prod], { RELEASE_NOTIFY_EMAILS: 'not-an-address' }))).toContain(
      'RELEASE_NOTIFY_EMAILS',
    );
  });

  it('needs exactly one of ELLA_INSTANCES and ELLA_INSTANCES_FILE', () => {
    expect(problems({ JOB_TOKEN: 'ella-ops-job-token-0123456789' })).toContain(
      'ELLA_INSTANCES: or ELLA_INSTANCES_FILE is required',
    );
    expect(problems(env([prod], { ELLA_INSTANCES_FILE: '/x' }))).toContain(
      'ELLA_INSTANCES: and ELLA_INSTANCES_FILE: give one, not both',
    );
  });

  it.each<[string, unknown, string]>([
    ['not JSON', '[{', 'ELLA_INSTANCES: is not valid JSON'],
    ['not an array', { name: 'prod' }, 'ELLA_INSTANCES: must be a JSON array of instances'],
    ['empty', [], 'ELLA_INSTANCES: must list at least one instance'],
    [
      'a bad role',
      [{ ...prod, role: 'main' }],
      'instance "prod": role: must be primary, failover or staging',
    ],
    [
      'a bad supervisor URL',
      [{ ...prod, supervisorUrl: `ftp://${SECRET}` }],
      'instance "prod": supervisorUrl: must be an http:// or https:// URL',
    ],
    [
      'a bad database URL',
      [{ ...prod, databaseUrl: `mysql://${SECRET}` }],
      'instance "prod": databaseUrl: must be a postgresql:// URL',
    ],
    [
      'a bad backup URL',
      [{ ...prod, backupUrl: 's3://bucket' }],
      'instance "prod": backupUrl: must be gs://bucket/prefix or file:///path',
    ],
    ['a missing field', [{ ...prod, ellaUrl: undefined }], 'instance "prod": ellaUrl: is required'],
    ['an unknown field', [{ ...prod, colour: 'red' }], 'instance "prod": colour: not a known field'],
    ['a bad name', [{ ...prod, name: 'Prod VM' }], 'instance #1: name: must be 1-40 lowercase letters'],
    ['a name given twice', [prod, prod], 'instance "prod": name: is given twice'],
    [
      'a failover without primary',
      [prod, { ...dr, primary: undefined }],
      'instance "dr": primary: is required for a failover',
    ],
    [
      'a failover of nobody',
      [prod, { ...dr, primary: 'other' }],
      'instance "dr": primary: names no instance in the list',
    ],
    [
      'a failover of a staging',
      [{ ...prod, role: 'staging' }, dr],
      'instance "dr": primary: names an instance whose role is not primary',
    ],
    [
      'a primary naming a primary',
      [{ ...prod, primary: 'dr' }, dr],
      'instance "prod": primary: only a failover names a primary',
    ],
    [
      'a username without password',
      [{ ...prod, supervisorPassword: undefined }],
      'instance "prod": supervisorPassword: supervisorUsername and supervisorPassword go together',
    ],
  ])('refuses %s, naming the instance and field but no value', (_case, instances, expected) => {
    expect(problems(env(instances))).toContain(expected);
  });
});
