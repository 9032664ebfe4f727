import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { demoData } from '../gitlab/generate-users.js';
import { GitLabSimulator, type SimGitLabUser } from '../gitlab/gitlab.simulator.js';
import { readXlsxSeed, SheetsSimulator } from '../sheets/sheets.simulator.js';
import {
  parseMainArguments,
  readSeedFile,
  startSimulatorMain,
  type SimulatorMain,
} from './simulator-main.js';
import { SeedError } from './simulator.js';

const gitlabMain: SimulatorMain<GitLabSimulator, readonly SimGitLabUser[]> = {
  create: (env) => new GitLabSimulator({ token: env['GITLAB_TOKEN'] ?? 'admin' }),
  demoSeed: () => demoData(new Date('2026-06-01T00:00:00Z')).users,
  describe: (_simulator, users) => ({ users: users.length }),
};

const USER: SimGitLabUser = {
  id: 3,
  username: 'ab123',
  name: 'A B',
  state: 'blocked',
  bot: false,
  last_activity_on: null,
  created_at: '2020-01-01T00:00:00.000Z',
  identities: [{ provider: 'saml', extern_uid: 'ab123' }],
};

describe('parseMainArguments', () => {
  it.each([
    [[], {}, { port: 0, host: '127.0.0.1', seedFile: undefined }],
    [['--port', '4101'], {}, { port: 4101, host: '127.0.0.1', seedFile: undefined }],
    [['--port=4101', '--seed=users.json'], {}, { port: 4101, host: '127.0.0.1', seedFile: 'users.json' }],
    [[], { PORT: '5000' }, { port: 5000, host: '127.0.0.1', seedFile: undefined }],
    [['--port', '6000'], { PORT: '5000' }, { port: 6000, host: '127.0.0.1', seedFile: undefined }],
    [['--host', '0.0.0.0', '--seed', 'x.json'], {}, { port: 0, host: '0.0.0.0', seedFile: 'x.json' }],
  ])('reads %j (env %j)', (argv, env, expected) => {
    expect(parseMainArguments(argv, env)).toEqual({ ...expected, demo: {} });
  });

  it('reads the whole-number demo options a simulator declares, and only those', () => {
    expect(parseMainArguments(['--activities', '6000', '--rooms=400'], {}, ['activities', 'rooms'])).toEqual({
      port: 0,
      host: '127.0.0.1',
      seedFile: undefined,
      demo: { activities: 6000, rooms: 400 },
    });
    expect(() => parseMainArguments(['--activities', 'many'], {}, ['activities'])).toThrow(
      '--activities must be a whole number, got "many"',
    );
    expect(() => parseMainArguments(['--activities', '6'], {}, [])).toThrow(
      'unknown argument "--activities"',
    );
  });

  it.each([
    [['--port'], '--port needs a value'],
    [['--port', 'abc'], '--port (or PORT) must be a port number 0-65535, got "abc"'],
    [['--port', '70000'], '--port (or PORT) must be a port number 0-65535, got "70000"'],
    [['--seed='], '--seed needs a value'],
    [['--verbose'], 'unknown argument "--verbose"'],
    [['users.json'], 'unknown argument "users.json"'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseMainArguments(argv, {})).toThrow(message);
  });

  it('refuses a PORT that is not a number', () => {
    expect(() => parseMainArguments([], { PORT: '80a' })).toThrow('got "80a"');
  });
});

describe('startSimulatorMain', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'simulator-main-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the demo data without --seed', async () => {
    const { simulator, line } = await startSimulatorMain(gitlabMain, [], {});
    try {
      expect(line).toEqual({ simulator: 'gitlab', url: simulator.url, users: 400 });
      const page = await request(simulator.url).get('/api/v4/users?per_page=5').set('PRIVATE-TOKEN', 'admin');
      expect(page.status).toBe(200);
      expect(page.headers['x-total']).toBe('400');
    } finally {
      await simulator.close();
    }
  });

  it('serves the users of --seed FILE on --port N', async () => {
    const file = path.join(dir, 'users.json');
    await writeFile(file, JSON.stringify([USER]));
    const probe = new GitLabSimulator({ token: 'x' });
    await probe.start();
    const port = probe.port;
    await probe.close();
    const { simulator, line } = await startSimulatorMain(
      gitlabMain,
      ['--port', String(port), '--seed', file],
      {
        GITLAB_TOKEN: 'from-env',
      },
    );
    try {
      expect(line).toEqual({ simulator: 'gitlab', url: `http://127.0.0.1:${port}`, users: 1 });
      await request(simulator.url).get('/api/v4/users/3').set('PRIVATE-TOKEN', 'from-env').expect(200);
      expect(simulator.users()).toEqual([USER]);
    } finally {
      await simulator.close();
    }
  });

  it('refuses a missing, unreadable or ill-shaped seed file, saying which and where', async () => {
    const notJson = path.join(dir, 'broken.json');
    await writeFile(notJson, '[{');
    const wrong = path.join(dir, 'wrong.json');
    await writeFile(wrong, JSON.stringify([{ ...USER, id: 'three' }]));
    await expect(startSimulatorMain(gitlabMain, ['--seed', path.join(dir, 'none.json')], {})).rejects.toThrow(
      /--seed .*none\.json: no such file/,
    );
    await expect(startSimulatorMain(gitlabMain, ['--seed', notJson], {})).rejects.toThrow(
      /--seed .*broken\.json: not valid JSON/,
    );
    await expect(startSimulatorMain(gitlabMain, ['--seed', wrong], {})).rejects.toThrow(
      'GitLab simulator seed is not valid: [0].id: ',
    );
    await expect(readSeedFile(new GitLabSimulator({ token: 'x' }), wrong)).rejects.toBeInstanceOf(SeedError);
  });

  it('awaits an async create, and closes what it made when the seed or the port fails', async () => {
    const made: GitLabSimulator[] = [];
    const closed: GitLabSimulator[] = [];
    const asyncMain: SimulatorMain<GitLabSimulator, readonly SimGitLabUser[]> = {
      ...gitlabMain,
      create: async (env) => {
        await new Promise((resolve) => setImmediate(resolve));
        const simulator = new GitLabSimulator({ token: env['GITLAB_TOKEN'] ?? 'admin' });
        const close = simulator.close.bind(simulator);
        simulator.close = async () => {
          closed.push(simulator);
          await close();
        };
        made.push(simulator);
        return simulator;
      },
    };
    const wrong = path.join(dir, 'wrong-for-async.json');
    await writeFile(wrong, JSON.stringify([{ ...USER, id: 'three' }]));
    await expect(startSimulatorMain(asyncMain, ['--seed', wrong], {})).rejects.toThrow(SeedError);
    expect(closed).toEqual(made);

    const busy = new GitLabSimulator({ token: 'x' });
    await busy.start();
    try {
      await expect(startSimulatorMain(asyncMain, ['--port', String(busy.port)], {})).rejects.toThrow(
        /EADDRINUSE/,
      );
      expect(closed).toHaveLength(2);
      expect(closed).toEqual(made);
    } finally {
      await busy.close();
    }
  });

  it('reads a folder of workbooks as Sheets seed data', async () => {
    const seed = await readXlsxSeed(fileURLToPath(new URL('../../data/sheets', import.meta.url)));
    expect(Object.keys(seed).sort()).toEqual(['demo-broken', 'demo-kings', 'demo-trinity']);
    const sheets = new SheetsSimulator();
    expect(() => sheets.seed(sheets.parseSeed(JSON.parse(JSON.stringify(seed))))).not.toThrow();
  });
});
