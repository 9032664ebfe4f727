import { Injectable } from '@nestjs/common';
import { PrismaService, type PrismaTx } from '@app/db';
import type { CollegeSheet, SheetContact } from '../sheet/sheet.types.js';
import { assembleCollegeSheet } from './stored-sheet.util.js';

/**
 * A College's pools, households, students and contacts. An import replaces them whole in one
 * transaction with a fixed number of statements, whatever the number of rows: one delete (the
 * foreign keys cascade to households and students), then one statement that inserts into every
 * table and stamps the College.
 */
@Injectable()
export class PoolsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One statement that returns the College's rows as one JSON document (each row a short array, each
   * list in position order): one round trip and one JSON.parse, where a query per table had Prisma
   * build an object per row.
   */
  async readCollege(collegeId: string): Promise<CollegeSheet> {
    const [found] = await this.prisma.$queryRaw<{ rows: string }[]>`
      SELECT json_build_object(
        'pools', (SELECT coalesce(json_agg(json_build_array(id, description, collection_day) ORDER BY position), '[]')
                    FROM covid_pool.pool WHERE college_id = ${collegeId}),
        'households', (SELECT coalesce(json_agg(json_build_array(id, pool_id) ORDER BY position), '[]')
                         FROM covid_pool.household WHERE college_id = ${collegeId}),
        'students', (SELECT coalesce(json_agg(json_build_array(crsid, household_id) ORDER BY position), '[]')
                       FROM covid_pool.student WHERE college_id = ${collegeId}),
        'contacts', (SELECT coalesce(json_agg(json_build_array(name, email) ORDER BY position), '[]')
                       FROM covid_pool.contact WHERE college_id = ${collegeId})
      )::text AS rows`;
    const rows = JSON.parse(found?.rows ?? '{}') as StoredRows;
    return assembleCollegeSheet(
      (rows.pools ?? []).map(([id, description, collectionDay]) => ({ id, description, collectionDay })),
      (rows.households ?? []).map(([id, poolId]) => ({ id, poolId })),
      (rows.students ?? []).map(([crsid, householdId]) => ({ crsid, householdId })),
      (rows.contacts ?? []).map(([name, email]) => ({ name, email })),
    );
  }

  async contactsOf(collegeId: string): Promise<SheetContact[]> {
    const rows = await this.prisma.contact.findMany({ where: { collegeId }, orderBy: { position: 'asc' } });
    return rows.map((c) => ({ name: c.name, email: c.email }));
  }

  async replaceCollege(
    collegeId: string,
    sheet: CollegeSheet,
    contentHash: string,
    alsoInTransaction: (tx: PrismaTx) => Promise<void>,
  ): Promise<void> {
    const rows = JSON.stringify(collegeRows(sheet));
    await this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`
          WITH contacts AS (DELETE FROM covid_pool.contact WHERE college_id = ${collegeId})
          DELETE FROM covid_pool.pool WHERE college_id = ${collegeId}`;
        // Every row of every table from one JSON parameter, in one statement: each row costs the
        // client one JSON.stringify of a short array, where an array parameter per column cost
        // Prisma and node-postgres a conversion and an escape per value (most of an import's CPU).
        // The foreign keys are checked at the end of the statement, when every table has its rows.
        const updated = await tx.$executeRaw`
          WITH doc AS (SELECT ${rows}::jsonb AS rows),
          pools AS (
            INSERT INTO covid_pool.pool (college_id, id, description, collection_day, position)
            SELECT ${collegeId}, p.row->>0, p.row->>1, p.row->>2, p.position - 1
              FROM doc, jsonb_array_elements(doc.rows->'pools') WITH ORDINALITY AS p(row, position)),
          households AS (
            INSERT INTO covid_pool.household (college_id, id, pool_id, position)
            SELECT ${collegeId}, h.row->>0, h.row->>1, h.position - 1
              FROM doc, jsonb_array_elements(doc.rows->'households') WITH ORDINALITY AS h(row, position)),
          students AS (
            INSERT INTO covid_pool.student (college_id, crsid, household_id, position)
            SELECT ${collegeId}, s.row->>0, s.row->>1, s.position - 1
              FROM doc, jsonb_array_elements(doc.rows->'students') WITH ORDINALITY AS s(row, position)),
          contacts AS (
            INSERT INTO covid_pool.contact (college_id, email, name, position)
            SELECT ${collegeId}, c.row->>0, c.row->>1, c.position - 1
              FROM doc, jsonb_array_elements(doc.rows->'contacts') WITH ORDINALITY AS c(row, position))
          UPDATE covid_pool.college SET content_hash = ${contentHash}, imported_at = now(), updated_at = now()
           WHERE id = ${collegeId}`;
        if (updated !== 1) throw new Error(`College ${collegeId} disappeared during its import`);
        await alsoInTransaction(tx);
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }
}

/** A College's stored rows as readCollege's statement returns them. */
interface StoredRows {
  pools?: [id: string, description: string | null, collectionDay: string | null][];
  households?: [id: string, poolId: string][];
  students?: [crsid: string, householdId: string][];
  contacts?: [name: string | null, email: string][];
}

/** The rows a College's sheet is stored as, each row a short array, tables in foreign-key order. */
function collegeRows(sheet: CollegeSheet) {
  const households: [id: string, poolId: string][] = [];
  const students: [crsid: string, householdId: string][] = [];
  for (const pool of sheet.pools) {
    for (const household of pool.households) {
      households.push([household.id, pool.id]);
      for (const crsid of household.students) students.push([crsid, household.id]);
    }
  }
  return {
    pools: sheet.pools.map((p) => [p.id, p.description, p.collectionDay]),
    households,
    students,
    contacts: dedupeContacts(sheet.contacts).map((c) => [c.email, c.name]),
  };
}

function dedupeContacts(contacts: SheetContact[]): SheetContact[] {
  const seen = new Set<string>();
  return contacts.filter((c) => {
    const key = c.email.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
