import { describe, expect, it } from '@jest/globals';
import { generateTerm, londonInstant } from './generate-term.js';
import { TermTimeStore } from './termtime-store.js';
import { BookerStore } from '../booker/booker-store.js';

describe('generateTerm', () => {
  it('is the same for the same options and different for another seed', () => {
    expect(generateTerm({ seed: 3 })).toEqual(generateTerm({ seed: 3 }));
    expect(generateTerm({ seed: 3 }).termtime.activities).not.toEqual(
      generateTerm({ seed: 4 }).termtime.activities,
    );
  });

  it('builds a demo term with its quirks, consistent in both systems', () => {
    const term = generateTerm();
    expect(term.stats).toEqual({ activities: 300, events: 2400, rooms: 36, buildings: 4 });
    const { quirks, termtime, booker } = term;
    // Both seeds load (their references hold).
    expect(() => new TermTimeStore(termtime)).not.toThrow();
    expect(() => new BookerStore(booker)).not.toThrow();
    const byCode = new Map(termtime.activities.map((a) => [a.code, a]));
    const [first, second] = quirks.sharedRoomActivities ?? ['', ''];
    expect(byCode.get(first)?.scheduledRooms).toEqual(byCode.get(second)?.scheduledRooms);
    expect(byCode.get(first)?.events.map((e) => [e.date, e.startTime])).toEqual(
      byCode.get(second)?.events.map((e) => [e.date, e.startTime]),
    );
    expect(byCode.get(quirks.virtualActivity ?? '')?.virtual).toBe(true);
    expect(byCode.get(quirks.roomlessActivity ?? '')?.scheduledRooms).toEqual([]);
    expect(byCode.get(quirks.noneRoomActivity ?? '')?.scheduledRooms).toEqual(['None']);
    expect(quirks.nonBookableRooms).toHaveLength(2);
    expect(booker.rooms.filter((room) => !room.IsBookable).map((room) => room.Code)).toEqual(
      [...quirks.nonBookableRooms].sort(),
    );
    expect(booker.bookings.every((booking) => booking.CreatedBy === 'someone.else')).toBe(true);
    expect(quirks.foreignBookings).toHaveLength(4);
    const termTimeRoomCodes = new Set(termtime.rooms.map((room) => room.code));
    for (const code of quirks.roomsOnlyInBooker) expect(termTimeRoomCodes.has(code)).toBe(false);
    for (const code of quirks.roomsOnlyInTermTime)
      expect(booker.rooms.some((room) => room.Code === code)).toBe(false);
  });

  it('never puts two activities in one room at one time, but for the shared pair', () => {
    const term = generateTerm({ activities: 600, rooms: 40 });
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const activity of term.termtime.activities) {
      for (const room of activity.scheduledRooms) {
        for (const event of activity.events) {
          for (
            let hour = Number(event.startTime.slice(0, 2));
            hour < Number(event.endTime.slice(0, 2));
            hour++
          ) {
            const key = `${room} ${event.date} ${hour}`;
            if (seen.has(key)) clashes.push(`${seen.get(key)} ${activity.code}`);
            seen.set(key, activity.code);
          }
        }
      }
    }
    const shared = term.quirks.sharedRoomActivities?.join(' ');
    expect(new Set(clashes)).toEqual(new Set([shared]));
  });

  it('builds the benchmark term (6,000 activities, 48,000 events, 400 rooms) quickly', () => {
    const started = process.hrtime.bigint();
    const term = generateTerm({ activities: 6000, rooms: 400, quirks: false });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(term.stats).toEqual({ activities: 6000, events: 48_000, rooms: 400, buildings: 40 });
    expect(term.booker.bookings).toEqual([]);
    // Generous bound on a shared machine; the goal is well under 2 s.
    expect(ms).toBeLessThan(5000);
  });

  it('writes Europe/London times with the offset of the day (BST ends on 26 October 2025)', () => {
    expect(londonInstant('2025-10-24', '09:00')).toBe('2025-10-24T09:00:00+01:00');
    expect(londonInstant('2025-10-27', '09:00')).toBe('2025-10-27T09:00:00+00:00');
    expect(londonInstant('2026-03-30', '09:00')).toBe('2026-03-30T09:00:00+01:00');
  });
});
