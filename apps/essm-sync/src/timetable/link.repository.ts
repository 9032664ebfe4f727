import { Injectable } from '@nestjs/common';
import { PrismaService, type PrismaTx } from '@app/db';
import type { BookingLink, LinkRead } from './events.types.js';

type InTx = (tx: PrismaTx) => Promise<void>;

/** `essm.booking_link`: TermTime event(s) and room <-> Booker booking, with the hash of what was sent. */
@Injectable()
export class LinkRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Links whose booking starts in [from, to): those a run that read this window may judge. */
  async findLinksStartingBetween(from: Date, to: Date): Promise<LinkRead[]> {
    return this.prisma.essmBookingLink.findMany({
      where: { startsAt: { gte: from, lt: to } },
      select: {
        reference: true,
        bookingId: true,
        hash: true,
        roomCode: true,
        eventIds: true,
      },
    });
  }

  /** Writes (or replaces) links and removes others, with the audit rows, in one transaction. */
  async writeLinks(
    runId: string,
    upserts: readonly BookingLink[],
    removals: readonly string[],
    audit: InTx,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const references = [...upserts.map((link) => link.reference), ...removals];
      if (references.length > 0)
        await tx.essmBookingLink.deleteMany({ where: { reference: { in: references } } });
      if (upserts.length > 0) {
        await tx.essmBookingLink.createMany({
          data: upserts.map((link) => ({ ...link, runId, updatedAt: new Date() })),
        });
      }
      await audit(tx);
    });
  }
}
