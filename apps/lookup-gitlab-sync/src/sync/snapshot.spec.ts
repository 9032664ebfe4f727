import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UpstreamError } from '@app/http';
import { generateUsers } from '../../../../simulators/gitlab/generate-users.js';
import { GitLabSimulator } from '../../../../simulators/gitlab/gitlab.simulator.js';
import { LookupSimulator } from '../../../../simulators/lookup/lookup.simulator.js';
import { GitLabClient } from '../gitlab/gitlab.client.js';
import type { GitLabUser } from '../gitlab/gitlab.types.js';
import { LookupClient } from '../lookup/lookup.client.js';
import type { LookupPerson } from '../lookup/lookup.types.js';
import { crsidOf, isConsidered } from './plan.util.js';
import { takeSnapshot } from './snapshot.js';

const PROVIDER = 'saml';
const TOKEN = 'snapshot-test-token-0123456789';
const BASIC = { username: 'sync', password: 'lookup-test-password' };

describe('takeSnapshot against the simulators', () => {
  const data = generateUsers({
    total: 1234,
    withCrsid: 1000,
    cancelledFraction: 0.05,
    externals: 60,
    inactiveExternalFraction: 0.2,
    bots: 10,
    seed: 7,
    identityProvider: PROVIDER,
    now: new Date('2026-06-01T00:00:00Z'),
  });
  const gitlabSim = new GitLabSimulator({ token: TOKEN });
  const lookupSim = new LookupSimulator({ basic: BASIC });
  const batchSize = 40;
  const minimumGitLabCalls = Math.ceil(1234 / 100);
  const minimumLookupCalls = Math.ceil(data.stats.lookupCrsids / batchSize);

  const clients = () => ({
    gitlab: new GitLabClient({ baseUrl: gitlabSim.url, token: TOKEN, maxAttempts: 2, baseDelayMs: 1 }),
    lookup: new LookupClient({
      baseUrl: lookupSim.apiUrl,
      auth: { kind: 'basic', ...BASIC },
      batchSize,
      maxAttempts: 2,
      baseDelayMs: 1,
    }),
  });

  beforeAll(async () => {
    await gitlabSim.start();
    await lookupSim.start();
  });
  afterAll(async () => {
    await gitlabSim.close();
    await lookupSim.close();
  });
  beforeEach(() => {
    gitlabSim.control.reset();
    lookupSim.control.reset();
    gitlabSim.seed(data.users);
    lookupSim.seed(data.people);
  });

  it('reads every user and the Lookup answer for every CRSid the sync may act on', async () => {
    const { gitlab, lookup } = clients();
    const snapshot = await takeSnapshot(gitlab, lookup, { identityProvider: PROVIDER, lookupConcurrency: 3 });
    expect(snapshot.users.map((u) => u.id)).toEqual(data.users.map((u) => u.id));
    const known = new Map(data.people.map((p) => [p.crsid, p]));
    const expected = new Set(
      data.users
        .filter((u) => !u.bot && (u.state === 'active' || u.state === 'blocked'))
        .map((u) => crsidOf(u as GitLabUser, PROVIDER))
        .filter((crsid): crsid is string => crsid !== null && known.has(crsid)),
    );
    expect(new Set(snapshot.people.keys())).toEqual(expected);
    for (const [crsid, person] of snapshot.people) expect(person.cancelled).toBe(known.get(crsid)?.cancelled);
    expect(data.stats.lookupCrsids).toBeGreaterThan(900);
  });

  it('makes the minimum number of calls (pages + ceil(CRSids / batch)) with latency injected', async () => {
    gitlabSim.control.latencyMs = 5;
    lookupSim.control.latencyMs = 5;
    const { gitlab, lookup } = clients();
    await takeSnapshot(gitlab, lookup, { identityProvider: PROVIDER, lookupConcurrency: 4 });
    expect(gitlab.calls).toBe(minimumGitLabCalls);
    expect(lookup.calls).toBe(minimumLookupCalls);
    expect(gitlabSim.control.callCount()).toBe(minimumGitLabCalls);
    expect(lookupSim.control.callCount()).toBe(minimumLookupCalls);
  });

  it('fails whole when one Lookup batch fails after retries', async () => {
    const { gitlab, lookup } = clients();
    const thirdBatchFirst = data.users
      .filter((u) => isConsidered(u as GitLabUser))
      .map((u) => crsidOf(u as GitLabUser, PROVIDER))
      .filter((crsid): crsid is string => crsid !== null)[batchSize * 2];
    lookupSim.control.addFault({
      path: '/api/v1/person/list',
      queryIncludes: `crsids=${thirdBatchFirst},`,
      status: 500,
    });
    const error = await takeSnapshot(gitlab, lookup, {
      identityProvider: PROVIDER,
      lookupConcurrency: 2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ system: 'Lookup', status: 500 });
    const callsAtFailure = lookupSim.control.callCount();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lookupSim.control.callCount()).toBe(callsAtFailure);
  });

  it('fails whole when a GitLab page fails after retries', async () => {
    const { gitlab, lookup } = clients();
    gitlabSim.control.addFault({ path: '/api/v4/users', queryIncludes: 'id_after=', status: 503 });
    await expect(
      takeSnapshot(gitlab, lookup, { identityProvider: PROVIDER, lookupConcurrency: 2 }),
    ).rejects.toMatchObject({ name: 'UpstreamError', system: 'GitLab', status: 503 });
  });
});

describe('takeSnapshot pipeline (fakes)', () => {
  const user = (id: number, username: string, overrides: Partial<GitLabUser> = {}): GitLabUser => ({
    id,
    username,
    name: username,
    state: 'active',
    bot: false,
    last_activity_on: null,
    created_at: '2025-01-01T00:00:00Z',
    identities: [],
    ...overrides,
  });

  class FakeGitLab {
    pagesYielded = 0;
    constructor(private readonly pages: GitLabUser[][]) {}
    async *listUsers(): AsyncGenerator<GitLabUser[]> {
      for (const page of this.pages) {
        await new Promise((resolve) => setImmediate(resolve));
        this.pagesYielded += 1;
        yield page;
      }
    }
  }

  class FakeLookup {
    readonly batches: string[][] = [];
    readonly pagesReadAtCall: number[] = [];
    inFlight = 0;
    peak = 0;
    constructor(
      readonly batchSize: number,
      private readonly gitlab: FakeGitLab,
      private readonly failOn?: string,
    ) {}
    async getPeople(crsids: readonly string[]): Promise<Map<string, LookupPerson>> {
      this.batches.push([...crsids]);
      this.pagesReadAtCall.push(this.gitlab.pagesYielded);
      this.inFlight += 1;
      this.peak = Math.max(this.peak, this.inFlight);
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      this.inFlight -= 1;
      if (this.failOn !== undefined && crsids.includes(this.failOn)) throw new Error('lookup down');
      return new Map(crsids.map((crsid) => [crsid, { crsid, cancelled: crsid.startsWith('c') }]));
    }
  }

  const pages = Array.from({ length: 6 }, (_, p) =>
    Array.from({ length: 5 }, (_, i) => user(p * 5 + i + 1, `ab${p * 5 + i + 1}`)),
  );

  it('sends full batches while paging goes on, bounded in concurrency, and flushes the rest at the end', async () => {
    const gitlab = new FakeGitLab(pages);
    const lookup = new FakeLookup(4, gitlab);
    const snapshot = await takeSnapshot(gitlab, lookup, { identityProvider: PROVIDER, lookupConcurrency: 2 });
    expect(snapshot.users).toHaveLength(30);
    expect(snapshot.people.size).toBe(30);
    expect(lookup.batches.map((b) => b.length)).toEqual([4, 4, 4, 4, 4, 4, 4, 2]);
    expect(lookup.batches.flat()).toEqual(pages.flat().map((u) => u.username));
    expect(lookup.pagesReadAtCall[0]).toBe(1);
    expect(lookup.pagesReadAtCall.filter((pagesRead) => pagesRead < pages.length).length).toBeGreaterThan(0);
    expect(lookup.peak).toBeLessThanOrEqual(2);
  });

  it('asks once per CRSid and only for users the sync may act on', async () => {
    const gitlab = new FakeGitLab([
      [
        user(1, 'ab1'),
        user(2, 'hpc-admin-ab1'),
        user(3, 'cd2', { bot: true }),
        user(4, 'ef3', { state: 'ldap_blocked' }),
        user(5, 'gh4', { state: 'blocked' }),
        user(6, 'external-x'),
        user(7, 'jo.b', { identities: [{ provider: PROVIDER, extern_uid: 'IJ5@cam.ac.uk' }] }),
      ],
    ]);
    const lookup = new FakeLookup(10, gitlab);
    await takeSnapshot(gitlab, lookup, { identityProvider: PROVIDER, lookupConcurrency: 1 });
    expect(lookup.batches).toEqual([['ab1', 'gh4', 'ij5']]);
  });

  it('makes no Lookup call when no user has a CRSid', async () => {
    const gitlab = new FakeGitLab([[user(1, 'external-x')], []]);
    const lookup = new FakeLookup(10, gitlab);
    const snapshot = await takeSnapshot(gitlab, lookup, { identityProvider: PROVIDER, lookupConcurrency: 1 });
    expect(snapshot.users).toHaveLength(1);
    expect(lookup.batches).toEqual([]);
  });

  it('stops paging after a Lookup failure and settles every call before throwing', async () => {
    const gitlab = new FakeGitLab(pages);
    const lookup = new FakeLookup(4, gitlab, 'ab1');
    await expect(
      takeSnapshot(gitlab, lookup, { identityProvider: PROVIDER, lookupConcurrency: 2 }),
    ).rejects.toThrow('lookup down');
    expect(lookup.inFlight).toBe(0);
    expect(gitlab.pagesYielded).toBeLessThan(pages.length);
  });
});
