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

  async readCollege(collegeId: string): Promise<CollegeSheet> {
    const [pools, households, students, contacts] = await Promise.all([
      this.prisma.pool.findMany({ where: { collegeId }, orderBy: { position: 'asc' } }),
      this.prisma.household.findMany({ where: { collegeId }, orderBy: { position: 'asc' } }),
      this.prisma.student.findMany({ where: { collegeId }, orderBy: { position: 'asc' } }),
      this.prisma.contact.findMany({ where: { collegeId }, orderBy: { position: 'asc' } }),
    ]);
    return assembleCollegeSheet(pools, households, students, contacts);
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
