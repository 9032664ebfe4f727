import { Injectable } from '@nestjs/common';
import { PrismaService, type PrismaTx } from '@app/db';
import type { CollegeSheet, SheetContact } from '../sheet/sheet.types.js';
import { assembleCollegeSheet } from './stored-sheet.util.js';

/**
 * A College's pools, households, students and contacts. An import replaces them whole in one
 * transaction with a fixed number of statements, whatever the number of rows: one delete (the
 * foreign keys cascade to households and students), one insert per table.
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
    const households = sheet.pools.flatMap((pool) => pool.households.map((h) => ({ ...h, poolId: pool.id })));
    await this.prisma.$transaction(
      async (tx) => {
        await tx.pool.deleteMany({ where: { collegeId } });
        await tx.contact.deleteMany({ where: { collegeId } });
        // One INSERT per table with each column passed as one array parameter (unnest): three
        // parameters whatever the number of rows, instead of one per value.
        const students = households.flatMap((h) => h.students.map((crsid) => ({ crsid, householdId: h.id })));
        await tx.$executeRaw`
          INSERT INTO covid_pool.pool (college_id, id, description, collection_day, position)
          SELECT ${collegeId}, p.id, p.description, p.collection_day, p.position - 1
            FROM unnest(${sheet.pools.map((p) => p.id)}::text[], ${sheet.pools.map((p) => p.description)}::text[],
                        ${sheet.pools.map((p) => p.collectionDay)}::text[])
                 WITH ORDINALITY AS p(id, description, collection_day, position)`;
        await tx.$executeRaw`
          INSERT INTO covid_pool.household (college_id, id, pool_id, position)
          SELECT ${collegeId}, h.id, h.pool_id, h.position - 1
            FROM unnest(${households.map((h) => h.id)}::text[], ${households.map((h) => h.poolId)}::text[])
                 WITH ORDINALITY AS h(id, pool_id, position)`;
        await tx.$executeRaw`
          INSERT INTO covid_pool.student (college_id, crsid, household_id, position)
          SELECT ${collegeId}, s.crsid, s.household_id, s.position - 1
            FROM unnest(${students.map((s) => s.crsid)}::text[], ${students.map((s) => s.householdId)}::text[])
                 WITH ORDINALITY AS s(crsid, household_id, position)`;
        await tx.contact.createMany({
          data: dedupeContacts(sheet.contacts).map((c, position) => ({
            collegeId,
            email: c.email,
            name: c.name,
            position,
          })),
        });
        await tx.college.update({ where: { id: collegeId }, data: { contentHash, importedAt: new Date() } });
        await alsoInTransaction(tx);
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }
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
