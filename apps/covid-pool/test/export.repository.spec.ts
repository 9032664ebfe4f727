import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type PrismaService, type TestDatabase } from '@app/db';
import { ExportRepository } from '../src/export/export.repository.js';

/** The export's reads against real PostgreSQL: one consistent moment, whatever commits meanwhile. */
describe('ExportRepository.readSnapshot', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let repository: ExportRepository;

  const client = async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = db.prisma();
    repository = new ExportRepository(prisma);
    await prisma.college.createMany({
      data: [
        { id: 'kings', name: "King's", spreadsheetId: 'sheet-kings' },
        { id: 'clare', name: 'Clare', spreadsheetId: 'sheet-clare' },
        { id: 'emmanuel', name: 'Emmanuel', spreadsheetId: 'sheet-emma' },
      ],
    });
    await prisma.$executeRaw`
      INSERT INTO covid_pool.pool (college_id, id, position) VALUES
        ('kings', 'P1', 0), ('clare', 'C2', 1), ('clare', 'C1', 0)`;
    await prisma.$executeRaw`
      INSERT INTO covid_pool.household (college_id, id, pool_id, position) VALUES
        ('kings', 'H1', 'P1', 0), ('clare', 'CH2', 'C1', 1), ('clare', 'CH1', 'C1', 0), ('clare', 'CH3', 'C2', 2)`;
    await prisma.$executeRaw`
      INSERT INTO covid_pool.student (college_id, crsid, household_id, position) VALUES
        ('kings', 'ks1', 'H1', 0), ('clare', 'cs2', 'CH1', 1), ('clare', 'cs1', 'CH1', 0), ('clare', 'cs3', 'CH2', 2)`;
  });
  afterAll(() => db.drop());

  it('reads every College with its pools, households and students in stored order', async () => {
    const { colleges, sheets } = await repository.readSnapshot();
    expect(colleges.map((c) => c.id)).toEqual(['clare', 'emmanuel', 'kings']);
    expect(sheets.get('clare')?.pools).toEqual([
      {
        id: 'C1',
        description: null,
        collectionDay: null,
        households: [
          { id: 'CH1', students: ['cs1', 'cs2'] },
          { id: 'CH2', students: ['cs3'] },
        ],
      },
      { id: 'C2', description: null, collectionDay: null, households: [{ id: 'CH3', students: [] }] },
    ]);
    expect(sheets.get('kings')?.pools).toMatchObject([
      { id: 'P1', households: [{ id: 'H1', students: ['ks1'] }] },
    ]);
    expect(sheets.has('emmanuel')).toBe(false);
  });

  describe('readVersion', () => {
    const bumpsOf = async (work: (c: pg.Client) => Promise<void>) => {
      const before = await repository.readVersion();
      const c = await client();
      try {
        await work(c);
      } finally {
        await c.end();
      }
      return Number((await repository.readVersion()) - before);
    };

    it('moves once per committed transaction that changes a College, pool, household or student', async () => {
      expect(
        await bumpsOf(async (c) => {
          await c.query('BEGIN');
          await c.query(
            `INSERT INTO covid_pool.pool (college_id, id, position) VALUES ('emmanuel', 'E1', 0)`,
          );
          await c.query(
            `INSERT INTO covid_pool.household (college_id, id, pool_id, position) VALUES ('emmanuel', 'EH1', 'E1', 0), ('emmanuel', 'EH2', 'E1', 1)`,
          );
          await c.query(`UPDATE covid_pool.college SET name = 'Emma' WHERE id = 'emmanuel'`);
          await c.query('COMMIT');
        }),
      ).toBe(1);
      expect(
        await bumpsOf((c) =>
          c
            .query(
              `INSERT INTO covid_pool.student (college_id, crsid, household_id, position) VALUES ('emmanuel', 'es1', 'EH1', 0)`,
            )
            .then(() => undefined),
        ),
      ).toBe(1);
      expect(
        await bumpsOf((c) =>
          c.query(`DELETE FROM covid_pool.pool WHERE college_id = 'emmanuel'`).then(() => undefined),
        ),
      ).toBe(1);
    });

    it('stays put for a rolled-back change, a change that touches no row, and other tables', async () => {
      expect(
        await bumpsOf(async (c) => {
          await c.query('BEGIN');
          await c.query(`UPDATE covid_pool.college SET name = 'Nope' WHERE id = 'kings'`);
          await c.query('ROLLBACK');
          await c.query(`DELETE FROM covid_pool.pool WHERE college_id = 'no-such-college'`);
          await c.query(
            `INSERT INTO covid_pool.contact (college_id, email, position) VALUES ('kings', 'porter@example.ac.uk', 0)`,
          );
        }),
      ).toBe(0);
    });

    it('is the version the snapshot was read at', async () => {
      const snapshot = await repository.readSnapshot();
      expect(snapshot.version).toBe(await repository.readVersion());
    });
  });

  // The embedded fallback database runs one transaction at a time, so no import can commit between
  // the reads there: the race needs a real server, and the test says so by being skipped.
  (process.env.USP_TEST_DB_MODE === 'server' ? it : it.skip)(
    'does not mix in an import that commits between its reads',
    async () => {
      const importer = await client();
      const watcher = await client();
      try {
        // The "import" holds the households table, so the export gets as far as reading the pools and waits.
        await importer.query('BEGIN');
        await importer.query('LOCK TABLE covid_pool.household IN ACCESS EXCLUSIVE MODE');
        const snapshot = repository.readSnapshot();
        snapshot.catch(() => undefined);
        for (let waiting = 0; waiting === 0;) {
          const result = await watcher.query(
            `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'covid_pool.household'::regclass`,
          );
          waiting = (result.rows[0] as { n: number }).n;
        }
        // It replaces King's pool P1 (household H1) by P2 (household H2) and commits.
        await importer.query(`DELETE FROM covid_pool.pool WHERE college_id = 'kings'`);
        await importer.query(
          `INSERT INTO covid_pool.pool (college_id, id, position) VALUES ('kings', 'P2', 0)`,
        );
        await importer.query(
          `INSERT INTO covid_pool.household (college_id, id, pool_id, position) VALUES ('kings', 'H2', 'P2', 0)`,
        );
        await importer.query('COMMIT');
        const { sheets } = await snapshot;
        // All before the import, or all after it; never pool P1 without its household, nor H2 dropped.
        expect(sheets.get('kings')?.pools).toMatchObject([
          { id: 'P1', households: [{ id: 'H1', students: ['ks1'] }] },
        ]);
        const after = await repository.readSnapshot();
        expect(after.sheets.get('kings')?.pools).toMatchObject([
          { id: 'P2', households: [{ id: 'H2', students: [] }] },
        ]);
      } finally {
        await importer.end();
        await watcher.end();
      }
    },
  );
});
