import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';
import { toJson } from './job-run.repository.js';

/** Rows per INSERT when storing a refused plan (tens of thousands in an upstream outage). */
const INSERT_CHUNK = 5000;

/** `platform.planned_change`: the whole plan of a refused run, kept for an operator's approval. */
@Injectable()
export class PlannedChangeRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Keeps the plan in order; a key planned twice is kept once (an approval matches on keys). */
  async save(runId: string, changes: readonly { key: string; change: unknown }[]): Promise<void> {
    for (let start = 0; start < changes.length; start += INSERT_CHUNK) {
      await this.prisma.plannedChange.createMany({
        data: changes.slice(start, start + INSERT_CHUNK).map((entry, i) => ({
          runId,
          position: start + i,
          changeKey: entry.key,
          change: toJson(entry.change),
        })),
        skipDuplicates: true,
      });
    }
  }

  /** The change keys a refused run planned, in plan order. */
  async findKeys(runId: string): Promise<string[]> {
    const rows = await this.prisma.plannedChange.findMany({
      where: { runId },
      select: { changeKey: true },
      orderBy: { position: 'asc' },
    });
    return rows.map((row) => row.changeKey);
  }
}
