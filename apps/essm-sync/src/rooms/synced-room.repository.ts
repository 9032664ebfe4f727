import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';

/** `essm.synced_room`: the rooms Booker has had, by code. */
@Injectable()
export class SyncedRoomRepository {
  constructor(private readonly prisma: PrismaService) {}

  async knownRoomCodes(): Promise<Set<string>> {
    const rows = await this.prisma.essmSyncedRoom.findMany({ select: { code: true } });
    return new Set(rows.map((row) => row.code));
  }

  /** Remembers every room code Booker listed, so that its disappearance can later be told apart. */
  async rememberRooms(runId: string, codes: readonly string[], at: Date): Promise<void> {
    if (codes.length === 0) return;
    await this.prisma.$transaction(async (tx) => {
      await tx.essmSyncedRoom.createMany({
        data: codes.map((code) => ({ code, firstRunId: runId, lastSeenAt: at })),
        skipDuplicates: true,
      });
      await tx.essmSyncedRoom.updateMany({ where: { code: { in: [...codes] } }, data: { lastSeenAt: at } });
    });
  }
}
