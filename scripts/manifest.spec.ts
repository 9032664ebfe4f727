import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkManifest, fillPlaceholders, loadManifest, ManifestError, repositoryRoot } from './manifest.mjs';
import { generatedFiles } from './manifest-sync.mjs';

/** apps/manifest.json: the one list of apps, and the files generated from it. */
describe('apps/manifest.json', () => {
  const manifest = loadManifest();

  it('lists exactly the apps of apps/', () => {
    const folders = readdirSync(path.join(repositoryRoot, 'apps'), { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() && existsSync(path.join(repositoryRoot, 'apps', entry.name, 'src/main.ts')),
      )
      .map((entry) => entry.name)
      .sort();
    expect(manifest.apps.map((app) => app.name).sort()).toEqual(folders);
  });

  it('gives every app its own port and a job endpoint per scheduled job', () => {
    const ports = manifest.apps.map((app) => app.port);
    expect(new Set(ports).size).toBe(ports.length);
    for (const app of manifest.apps) expect(app.jobs.map((job) => job.name)).toContain('dispatch-outbox');
  });

  it('is what docker/compose.yaml, .gitlab-ci.yml and nest-cli.json were generated from', async () => {
    const stale = (await generatedFiles()).filter((f) => f.expected !== f.actual).map((f) => f.file);
    // When this fails: `npm run manifest:sync` rewrites them from the manifest.
    expect(stale).toEqual([]);
  });
});

describe('manifest checks', () => {
  const valid = () => ({
    apps: [
      {
        name: 'alpha-app',
        port: 3001,
        summary: 'does alpha things',
        simulators: ['gitlab'],
        localEnv: { GITLAB_URL: '{simulator.gitlab}', TOKEN: '{secret.gitlabToken}', DIR: '{root}/data' },
        jobs: [{ name: 'sync', schedule: '10 * * * *' }],
      },
    ],
    simulators: { gitlab: { port: 4101 } },
  });
  type Mutable = ReturnType<typeof valid>;

  it('accepts a valid manifest', () => {
    expect(checkManifest(valid(), 'm.json').apps[0]?.name).toBe('alpha-app');
  });

  it.each<[string, (m: Mutable) => void, string]>([
    [
      'a port taken twice',
      (m) => void (m.simulators.gitlab.port = 3001),
      'm.json: apps[0] (alpha-app) 3001 is already taken by simulators.gitlab',
    ],
    [
      'an app name that is no folder name',
      (m) => void (m.apps[0].name = 'Alpha App'),
      'm.json: apps[0].name must be',
    ],
    [
      'a port out of range',
      (m) => void (m.apps[0].port = 80),
      'm.json: apps[0] (alpha-app).port must be an integer from 1024 to 65535',
    ],
    [
      'an unknown simulator',
      (m) => void (m.apps[0].simulators = ['booker']),
      'm.json: apps[0] (alpha-app).simulators names "booker", which is not in "simulators"',
    ],
    [
      'a bad schedule',
      (m) => void (m.apps[0].jobs[0].schedule = 'hourly'),
      'm.json: apps[0] (alpha-app).jobs[0].schedule must be a five-field unix-cron schedule',
    ],
    [
      'a job listed twice',
      (m) => void m.apps[0].jobs.push({ name: 'sync', schedule: '0 * * * *' }),
      'm.json: apps[0] (alpha-app).jobs[1].name "sync" is listed twice',
    ],
    [
      'an unknown placeholder',
      (m) => void (m.apps[0].localEnv.DIR = '{home}/data'),
      'm.json: apps[0] (alpha-app).localEnv.DIR uses {home}',
    ],
    [
      'a simulator the app does not list',
      (m) => void (m.apps[0].simulators = []),
      'm.json: apps[0] (alpha-app).localEnv.GITLAB_URL uses {simulator.gitlab}',
    ],
    [
      'a lowercase variable',
      (m) => void ((m.apps[0].localEnv as Record<string, string>)['dir'] = 'x'),
      'm.json: apps[0] (alpha-app).localEnv.dir is not an environment variable name',
    ],
    ['no apps', (m) => void (m.apps = []), 'm.json: apps must be a non-empty list'],
  ])('refuses %s, naming the entry and field', (_what, mutate, message) => {
    const manifest = valid();
    mutate(manifest);
    expect(() => checkManifest(manifest, 'm.json')).toThrow(ManifestError);
    expect(() => checkManifest(manifest, 'm.json')).toThrow(message);
  });

  it('fills placeholders, and names one it has no value for', () => {
    const context = {
      root: '/repo',
      secrets: { gitlabToken: 't0k' },
      simulatorUrls: { gitlab: 'http://127.0.0.1:4101' },
    };
    expect(fillPlaceholders('{root}/data/sheets', context)).toBe('/repo/data/sheets');
    expect(fillPlaceholders('{simulator.gitlab}', context)).toBe('http://127.0.0.1:4101');
    expect(fillPlaceholders('postgresql://u@{simulator.gitlab.host}/db', context)).toBe(
      'postgresql://u@127.0.0.1:4101/db',
    );
    expect(() => fillPlaceholders('{simulator.lookup}', context, 'app.LOOKUP_URL')).toThrow(
      'app.LOOKUP_URL: no value for {simulator.lookup}',
    );
  });
});

describe('adding an app to the manifest', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'usp-manifest-'));
    await mkdir(path.join(root, 'apps'), { recursive: true });
    await mkdir(path.join(root, 'libs/db/src'), { recursive: true });
    await writeFile(path.join(root, 'libs/db/src/index.ts'), '');
    await copyFile(path.join(repositoryRoot, '.gitlab-ci.yml'), path.join(root, '.gitlab-ci.yml'));
    await copyFile(path.join(repositoryRoot, '.prettierrc.json'), path.join(root, '.prettierrc.json'));
    const manifest = JSON.parse(await readFile(path.join(repositoryRoot, 'apps/manifest.json'), 'utf8')) as {
      apps: unknown[];
    };
    manifest.apps.push({
      name: 'sample-ops',
      port: 3099,
      summary: 'a sample app',
      simulators: ['gitlab'],
      localEnv: { ELLA_GITLAB_URL: '{simulator.gitlab}', ELLA_DIR: '{root}/data/ella' },
      jobs: [{ name: 'dispatch-outbox', schedule: '*/5 * * * *' }],
    });
    await writeFile(path.join(root, 'apps/manifest.json'), JSON.stringify(manifest));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('puts it in compose (with its simulator and mounts), the build matrix and nest-cli.json', async () => {
    const files = Object.fromEntries((await generatedFiles(root)).map((f) => [f.file, f.expected]));
    const compose = files['docker/compose.yaml'] ?? '';
    expect(compose).toContain('  sample-ops:\n');
    expect(compose).toContain("      PORT: '3099'");
    expect(compose).toContain("      ELLA_GITLAB_URL: 'http://127.0.0.1:4101'");
    expect(compose).toContain('      - ../data/ella:/app/data/ella:ro');
    expect(compose).toContain('  sample-ops-gitlab-simulator:\n');
    expect(compose).toContain('    network_mode: service:sample-ops');
    const { apps } = JSON.parse(await readFile(path.join(repositoryRoot, 'apps/manifest.json'), 'utf8')) as {
      apps: { name: string }[];
    };
    expect(files['.gitlab-ci.yml']).toContain(
      `- APP: [${[...apps.map((app) => app.name), 'sample-ops'].join(', ')}]`,
    );
    expect(JSON.parse(files['nest-cli.json'] ?? '{}')).toMatchObject({
      projects: {
        'sample-ops': { type: 'application', sourceRoot: 'apps/sample-ops/src' },
        db: { type: 'library' },
      },
    });
  });
});
