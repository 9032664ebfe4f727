import { Injectable } from '@nestjs/common';
import { type College, Prisma, PrismaService } from '@app/db';
import { assembleByCollege } from '../import/stored-sheet.util.js';
import type { CollegeSheet } from '../sheet/sheet.types.js';

export interface ExportSnapshot {
  colleges: College[];
  /** Pools, households and students by College id; a College with no pools is absent. */
  sheets: Map<string, CollegeSheet>;
}

/** What the export reads: every College with its pools, as of one moment. */
@Injectable()
export class ExportRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * All four reads in ONE repeatable-read transaction, so they see the same committed state: read
   * separately, an import committing between them gave an export with households whose pool was not
   * read (dropped) and an ETag over that torn content.
   */
  async readSnapshot(): Promise<ExportSnapshot> {
    const order = [{ collegeId: 'asc' as const }, { position: 'asc' as const }];
    const [colleges, pools, households, students] = await this.prisma.$transaction(
      [
        this.prisma.college.findMany({ orderBy: { id: 'asc' } }),
        this.prisma.pool.findMany({ orderBy: order }),
        this.prisma.household.findMany({ orderBy: order }),
        this.prisma.student.findMany({ orderBy: order }),
      ],
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
    return { colleges, sheets: assembleByCollege(pools, households, students) };
  }
}
