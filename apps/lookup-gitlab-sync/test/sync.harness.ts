import type { INestApplication } from '@nestjs/common';
import type request from 'supertest';
import type { PrismaService, TestDatabase } from '@app/db';
import { OutboxDispatcher } from '@app/notifications';
import { startTestApp, type TestSmtpServer } from '@app/testing';
import { GitLabSimulator, type SimGitLabUser } from '../../../simulators/gitlab/gitlab.simulator.js';
import { LookupSimulator, type SimLookupPerson } from '../../../simulators/lookup/lookup.simulator.js';
import { AppModule } from '../src/app.module.js';
import { loadLookupGitLabSyncConfig } from '../src/config.js';
import { GitLabClient } from '../src/gitlab/gitlab.client.js';
import { LookupClient } from '../src/lookup/lookup.client.js';
import { lookupAuthFrom } from '../src/lookup/lookup.module.js';

export const JOB_TOKEN = 'gitlab-sync-e2e-job-token-0123456789';
export const OPERATOR_TOKEN = 'gitlab-sync-e2e-operator-token-0123456789';
export const GITLAB_TOKEN = 'glpat-e2e-admin-token-0123456789';
/** A token GitLab accepts but that is not an administrator's (pass it as GITLAB_TOKEN to use it). */
export const NON_ADMIN_GITLAB_TOKEN = 'glpat-e2e-user-token-0123456789';
export const LOOKUP_BASIC = { username: 'e2e-sync', password: 'e2e-lookup-password-0123' };
export const OPS_EMAIL = 'gitlab-ops@example.ac.uk';
export const PROVIDER = 'saml';
export const job = { Authorization: `Bearer ${JOB_TOKEN}` };
export const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };

export interface SyncHarness {
  app: INestApplication;
  db: TestDatabase;
  prisma: PrismaService;
  gitlab: GitLabSimulator;
  lookup: LookupSimulator;
  smtp: TestSmtpServer;
  server(): ReturnType<typeof request>;
  /** Seeds both simulators and forgets every run, block, action, audit row and email. */
  reset(users: readonly SimGitLabUser[], people: readonly SimLookupPerson[]): Promise<void>;
  /** Changes users in the GitLab simulator (an administrator acting by hand). */
  editUsers(edit: (user: SimGitLabUser) => SimGitLabUser): void;
  /** Delivers the queued emails to the test SMTP server. */
  deliverEmails(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real AppModule on a test database (`startTestApp`), with the real GitLab and Lookup clients
 * talking HTTP to the simulators and email going to a real SMTP server. Only the clients' retry
 * delays are shortened, so a page that keeps failing fails in milliseconds. `env` overrides settings.
 */
export async function startSyncHarness(env: Record<string, string> = {}): Promise<SyncHarness> {
  const { app, db, prisma, simulators, mail, http, close } = await startTestApp({
    simulators: {
      gitlab: new GitLabSimulator({ token: GITLAB_TOKEN, nonAdminToken: NON_ADMIN_GITLAB_TOKEN }),
      lookup: new LookupSimulator({ basic: LOOKUP_BASIC }),
    },
    smtp: true,
    config: ({ db, simulators, mail }) =>
      loadLookupGitLabSyncConfig({
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        JOB_TOKEN,
        OPERATOR_TOKEN,
        GITLAB_URL: simulators.gitlab.url,
        GITLAB_TOKEN,
        GITLAB_IDENTITY_PROVIDER: PROVIDER,
        LOOKUP_URL: simulators.lookup.apiUrl,
        LOOKUP_AUTH: 'basic',
        LOOKUP_USERNAME: LOOKUP_BASIC.username,
        LOOKUP_PASSWORD: LOOKUP_BASIC.password,
        LOOKUP_BATCH_SIZE: '50',
        OPS_EMAIL,
        SMTP_URL: mail.url,
        LOG_LEVEL: 'silent',
        ...env,
      }),
    appModule: (config) => AppModule.forRoot(config),
    override: (module, { config }) =>
      module
        .overrideProvider(GitLabClient)
        .useValue(
          new GitLabClient({
            baseUrl: config.GITLAB_URL,
            token: config.GITLAB_TOKEN,
            maxAttempts: 3,
            baseDelayMs: 2,
          }),
        )
        .overrideProvider(LookupClient)
        .useValue(
          new LookupClient({
            baseUrl: config.LOOKUP_URL,
            auth: lookupAuthFrom(config),
            batchSize: config.LOOKUP_BATCH_SIZE,
            maxAttempts: 3,
            baseDelayMs: 2,
          }),
        ),
  });
  const { gitlab, lookup } = simulators;

  return {
    app,
    db,
    prisma,
    gitlab,
    lookup,
    smtp: mail,
    server: http,
    async reset(users, people) {
      gitlab.reset();
      lookup.reset();
      gitlab.seed(users);
      lookup.seed(people);
      mail.received.length = 0;
      await prisma.$executeRawUnsafe(
        'TRUNCATE gitlab_sync.blocked_user, gitlab_sync.sync_action, ' +
          'platform.audit_event, platform.outbox_email, platform.job_run CASCADE',
      );
    },
    editUsers(edit) {
      const mutations = [...gitlab.mutations];
      gitlab.seed(gitlab.users().map(edit));
      gitlab.mutations.push(...mutations);
    },
    async deliverEmails() {
      await app.get(OutboxDispatcher).dispatchDue();
    },
    close,
  };
}

const DAY_MS = 86_400_000;

/** A calendar day `daysAgo` days before today (UTC), as GitLab's `last_activity_on`. */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);
}

/** An active GitLab user named `username`, active last week, created years ago. */
export function simUser(id: number, username: string, overrides: Partial<SimGitLabUser> = {}): SimGitLabUser {
  return {
    id,
    username,
    name: `User ${id}`,
    state: 'active',
    bot: false,
    last_activity_on: daysAgo(7),
    created_at: '2019-03-01T10:00:00.000Z',
    identities: [],
    note: null,
    ...overrides,
  };
}

export function person(crsid: string, cancelled: boolean): SimLookupPerson {
  return { crsid, cancelled, displayName: crsid.toUpperCase() };
}

/** `count` active users `ab<id>` with ids from `firstId`, each known to Lookup and not cancelled. */
export function population(
  firstId: number,
  count: number,
): { users: SimGitLabUser[]; people: SimLookupPerson[] } {
  const users: SimGitLabUser[] = [];
  const people: SimLookupPerson[] = [];
  for (let id = firstId; id < firstId + count; id++) {
    users.push(simUser(id, `ab${id}`));
    people.push(person(`ab${id}`, false));
  }
  return { users, people };
}

/** `people` with the given CRSids cancelled. */
export function cancel(people: readonly SimLookupPerson[], crsids: readonly string[]): SimLookupPerson[] {
  const set = new Set(crsids);
  return people.map((p) => (set.has(p.crsid) ? { ...p, cancelled: true } : p));
}

/** The GitLab state of each user id, from the simulator. */
export function states(gitlab: GitLabSimulator, ids: readonly number[]): Record<number, string | undefined> {
  return Object.fromEntries(ids.map((id) => [id, gitlab.user(id)?.state]));
}
