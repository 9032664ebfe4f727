import { Injectable } from '@nestjs/common';
import { type College, Prisma, PrismaService } from '@app/db';
import { assembleByCollege } from '../import/stored-sheet.util.js';
import type { CollegeSheet } from '../sheet/sheet.types.js';

export interface ExportSnapshot {
  /** The export version these rows are at (see {@link ExportRepository.readVersion}). */
  version: bigint;
  colleges: College[];
  /** Pools, households and students by College id; a College with no pools is absent. */
  sheets: Map<string, CollegeSheet>;
}

/** What the export reads: every College with its pools, as of one moment. */
@Injectable()
export class ExportRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The export's version: one row that database triggers bump, at commit, in every transaction that
   * changes a College, pool, household or student. Equal versions mean equal export content, on
   * every instance. One indexed read, outside any transaction.
   */
  async readVersion(): Promise<bigint> {
    const row = await this.prisma.exportVersion.findUnique({ where: { id: 1 }, select: { version: true } });
    if (row === null) throw new Error('covid_pool.export_version has no row: is the database migrated?');
    return row.version;
  }

  /**
   * The version and all four reads in ONE repeatable-read transaction, so they see the same committed
   * state: read separately, an import committing between them gave an export with households whose
   * pool was not read (dropped) and an ETag over that torn content.
   */
  async readSnapshot(): Promise<ExportSnapshot> {
    const order = [{ collegeId: 'asc' as const }, { position: 'asc' as const }];
    const [version, colleges, pools, households, students] = await this.prisma.$transaction(
      [
        this.prisma.exportVersion.findUnique({ where: { id: 1 }, select: { version: true } }),
        this.prisma.college.findMany({ orderBy: { id: 'asc' } }),
        this.prisma.pool.findMany({ orderBy: order }),
        this.prisma.household.findMany({ orderBy: order }),
        this.prisma.student.findMany({ orderBy: order }),
      ],
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
    if (version === null) throw new Error('covid_pool.export_version has no row: is the database migrated?');
    return { version: version.version, colleges, sheets: assembleByCollege(pools, households, students) };
  }
}
