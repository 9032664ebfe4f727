import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DbModule, PrismaService, startEmbeddedDatabase, type EmbeddedDatabase } from './index.js';

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

describe('embedded database', () => {
  let db: EmbeddedDatabase;
  // PGlite's start takes seconds, and more on a busy machine.
  beforeAll(async () => {
    db = await startEmbeddedDatabase();
    const setup = await client(db.url);
    await setup.query('CREATE TABLE t (id int PRIMARY KEY, note text)');
    await setup.end();
  }, 120_000);
  afterAll(() => db.stop());

  it('serves many connections running parameterised queries at once without mixing them up', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => client(db.url)));
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        clients[i % clients.length].query<{ n: number; s: string }>('SELECT $1::int AS n, $2::text AS s', [
          i,
          `value-${i}`,
        ]),
      ),
    );
    results.forEach((r, i) => expect(r.rows).toEqual([{ n: i, s: `value-${i}` }]));
    await Promise.all(clients.map((c) => c.end()));
  });

  it("keeps a transaction's statements together: another connection waits until it ends", async () => {
    const a = await client(db.url);
    const b = await client(db.url);
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (1, $1)', ['in a transaction']);
    let committed = false;
    const seenByB = b
      .query<{ count: string }>('SELECT count(*) FROM t')
      .then((r) => ({ count: r.rows[0]?.count, committed }));
    await a.query('INSERT INTO t VALUES (2, $1)', ['still a']);
    committed = true;
    await a.query('COMMIT');
    expect(await seenByB).toEqual({ count: '2', committed: true });
    await Promise.all([a.end(), b.end()]);
  });

  it('rolls back the transaction of a client that disconnects inside it, and goes on serving', async () => {
    const a = await client(db.url);
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (3, $1)', ['never committed']);
    // b queues behind a's transaction; it gets the session once a is gone.
    const b = client(db.url);
    a.on('error', () => undefined);
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const other = await b;
    expect((await other.query('SELECT id FROM t WHERE id = 3')).rowCount).toBe(0);
    await other.query('INSERT INTO t VALUES (3, $1)', ['committed by another']);
    expect((await other.query('SELECT note FROM t WHERE id = 3')).rows).toEqual([
      { note: 'committed by another' },
    ]);
    await other.end();
  });

  it('drops a client that sends a malformed packet and keeps serving the others', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(new URL(db.url).port), '127.0.0.1', () => socket.write(Buffer.alloc(8)));
      socket.on('close', () => resolve(true));
      socket.on('error', () => undefined);
    });
    expect(closed).toBe(true);
    const c = await client(db.url);
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await c.end();
  });
});

describe('DbModule without a database URL', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'usp-embedded-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function boot() {
    const moduleRef = await Test.createTestingModule({
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({ url: undefined, poolSize: 3, connectTimeoutMs: 5000, embeddedDataDir: dir }),
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    return moduleRef;
  }

  // Two starts of PGlite (WebAssembly PostgreSQL) and a migration of every schema: tens of seconds on
  // a busy two-core machine, so this test has more time than the default; each start is closed even
  // when an assertion fails, so no database outlives the test.
  it('starts the embedded database, migrates it, and keeps the data across restarts', async () => {
    const first = await boot();
    try {
      await first.get(PrismaService).jobRun.create({
        data: { app: 'test', job: 'kept', trigger: 'http', dryRun: false, status: 'succeeded' },
      });
    } finally {
      await first.close();
    }
    const second = await boot();
    try {
      expect(await second.get(PrismaService).jobRun.count({ where: { job: 'kept' } })).toBe(1);
    } finally {
      await second.close();
    }
  }, 180_000);
});
