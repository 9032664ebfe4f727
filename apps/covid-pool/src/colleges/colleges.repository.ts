import { Injectable } from '@nestjs/common';
import { type College, PrismaService, type PrismaTx } from '@app/db';
import type { CollegeInput } from './college.types.js';

@Injectable()
export class CollegesRepository {
  constructor(private readonly prisma: PrismaService) {}

  findAll(): Promise<College[]> {
    return this.prisma.college.findMany({ orderBy: { id: 'asc' } });
  }

  findActive(): Promise<College[]> {
    return this.prisma.college.findMany({ where: { active: true }, orderBy: { id: 'asc' } });
  }

  findById(id: string): Promise<College | null> {
    return this.prisma.college.findUnique({ where: { id } });
  }

  /**
   * Creates or updates a College and returns the row before the change (null when created) and after
   * it. `alsoInTransaction` (the audit row) commits with the change or not at all.
   */
  async upsert(
    id: string,
    input: CollegeInput,
    alsoInTransaction: (tx: PrismaTx, before: College | null, after: College) => Promise<void>,
  ): Promise<{ before: College | null; after: College }> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.college.findUnique({ where: { id } });
      const after = await tx.college.upsert({ where: { id }, create: { id, ...input }, update: input });
      await alsoInTransaction(tx, before, after);
      return { before, after };
    });
  }

  /** Inserts the Colleges that do not exist yet; existing ones are left as they are. */
  async insertMissing(colleges: ({ id: string } & CollegeInput)[]): Promise<number> {
    const result = await this.prisma.college.createMany({ data: colleges, skipDuplicates: true });
    return result.count;
  }
}
