import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type PrismaTx } from '@app/db';
import type { BookingLink, LinkRead } from './events.types.js';

type InTx = (tx: PrismaTx) => Promise<void>;
/** References per query when reading event ids (well below PostgreSQL's parameter limit). */
const EVENT_IDS_CHUNK = 5000;
/** Links per query when a run reads its window's links (a term holds tens of thousands). */
export const LINKS_CHUNK = 10_000;

/** `essm.booking_link`: TermTime event(s) and room <-> Booker booking, with the hash of what was sent. */
@Injectable()
export class LinkRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Links whose booking starts in [from, to): those a run that read this window may judge; without
   * their event ids (an array per row, which tens of thousands of rows pay for in parsing). Rows of
   * four JSON arrays (a column each) rather than a row per link: mapping tens of thousands of rows
   * one by one cost a run more CPU than the query (read while the APIs are read). In reference order
   * (byte order, which is JavaScript's for the references TermTime gives): the run joins them with
   * the bookings called for, also in reference order, by a merge (it checks the order). Read
   * LINKS_CHUNK links at a time, each chunk after the last reference of the one before, so that no
   * one answer (and its driver buffer, its text and its parse) holds a whole term's links at once.
   */
  async findLinksStartingBetween(from: Date, to: Date, chunkSize = LINKS_CHUNK): Promise<LinkRead[]> {
    const links: LinkRead[] = [];
    let after: string | undefined;
    for (;;) {
      const chunk = await this.linksChunk(from, to, after, chunkSize);
      for (const link of chunk) links.push(link);
      if (chunk.length < chunkSize) return links;
      after = chunk[chunk.length - 1].reference;
    }
  }

  /** Up to `size` links of the window in reference order, after `after` (from the first if unset). */
  private async linksChunk(
    from: Date,
    to: Date,
    after: string | undefined,
    size: number,
  ): Promise<LinkRead[]> {
    const afterReference =
      after === undefined ? Prisma.empty : Prisma.sql`AND reference COLLATE "C" > ${after} COLLATE "C"`;
    const [row] = await this.prisma.$queryRaw<{ columns: string }[]>`
      SELECT json_build_array(
        coalesce(array_agg(reference), '{}'), coalesce(array_agg(booking_id), '{}'),
        coalesce(array_agg(hash), '{}'), coalesce(array_agg(room_code), '{}')
      )::text AS columns
      FROM (
        SELECT reference, booking_id, hash, room_code FROM essm.booking_link
        WHERE starts_at >= ${from.toISOString()}::timestamptz AND starts_at < ${to.toISOString()}::timestamptz
        ${afterReference}
        ORDER BY reference COLLATE "C"
        LIMIT ${size}
      ) AS link`;
    if (row === undefined) throw new Error('the link table answered no row to an aggregate');
    const [references, bookingIds, hashes, roomCodes] = JSON.parse(row.columns) as [
      string[],
      number[],
      string[],
      string[],
    ];
    const links = new Array<LinkRead>(references.length);
    for (let i = 0; i < references.length; i += 1) {
      links[i] = {
        reference: references[i],
        bookingId: bookingIds[i],
        hash: hashes[i],
        roomCode: roomCodes[i],
      };
    }
    return links;
  }

  /**
   * The Booker booking id linked to each of these references, whatever the link's start (bookings
   * of ours a run found in its window with no link of the window: few), by reference.
   */
  async bookingIdsOf(references: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (let i = 0; i < references.length; i += EVENT_IDS_CHUNK) {
      const rows = await this.prisma.essmBookingLink.findMany({
        where: { reference: { in: references.slice(i, i + EVENT_IDS_CHUNK) } },
        select: { reference: true, bookingId: true },
      });
      for (const row of rows) found.set(row.reference, row.bookingId);
    }
    return found;
  }

  /** The event ids of these links (those a plan cancels), by reference. */
  async eventIdsOf(references: readonly string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    for (let i = 0; i < references.length; i += EVENT_IDS_CHUNK) {
      const rows = await this.prisma.essmBookingLink.findMany({
        where: { reference: { in: references.slice(i, i + EVENT_IDS_CHUNK) } },
        select: { reference: true, eventIds: true },
      });
      for (const row of rows) found.set(row.reference, row.eventIds);
    }
    return found;
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
