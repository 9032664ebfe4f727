import { Injectable } from '@nestjs/common';
import { PrismaService, type PrismaTx } from '@app/db';
import { toJson } from '@app/jobs';
import type { Conflict } from './conflicts.util.js';

type InTx = (tx: PrismaTx) => Promise<void>;

/** A stored pre-flight report, as `GET /conflicts` shows it. */
export interface StoredConflictReport {
  id: string;
  runId: string;
  createdAt: string;
  termtimeOverlaps: number;
  bookerOverlaps: number;
  newConflicts: number;
  conflicts: Conflict[];
}

/** `essm.conflict_report`: the pre-flight reports; the latest is `GET /conflicts`. */
@Injectable()
export class ConflictReportRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Keys of the conflicts in the latest report (to tell new conflicts from known ones). */
  async latestConflictKeys(keyOf: (conflict: Conflict) => string): Promise<Set<string>> {
    const latest = await this.latestConflictReport();
    return new Set((latest?.conflicts ?? []).map(keyOf));
  }

  async saveConflictReport(
    runId: string,
    report: { termtimeOverlaps: number; bookerOverlaps: number; newConflicts: number; conflicts: Conflict[] },
    inTx: InTx,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.essmConflictReport.create({
        data: {
          runId,
          termtimeOverlaps: report.termtimeOverlaps,
          bookerOverlaps: report.bookerOverlaps,
          newConflicts: report.newConflicts,
          conflicts: toJson(report.conflicts),
        },
      });
      await inTx(tx);
    });
  }

  async latestConflictReport(): Promise<StoredConflictReport | null> {
    const row = await this.prisma.essmConflictReport.findFirst({ orderBy: { id: 'desc' } });
    if (row === null) return null;
    return {
      id: row.id.toString(),
      runId: row.runId,
      createdAt: row.createdAt.toISOString(),
      termtimeOverlaps: row.termtimeOverlaps,
      bookerOverlaps: row.bookerOverlaps,
      newConflicts: row.newConflicts,
      conflicts: row.conflicts as unknown as Conflict[],
    };
  }
}
