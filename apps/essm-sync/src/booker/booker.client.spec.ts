import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UnexpectedResponseError } from '@app/http';
import { BookerSimulator } from '../../../../simulators/booker/booker.simulator.js';
import { generateTerm } from '../../../../simulators/termtime/generate-term.js';
import {
  BookerAuthError,
  BookerClient,
  BookerConflictError,
  BookerError,
  BookerNotFoundError,
  BookerValidationError,
  type BookingInput,
} from './booker.client.js';

const USERNAME = 'essm-test';
const PASSWORD = 'booker-test-password';
const term = generateTerm({ seed: 9, activities: 40, rooms: 12 });
const foreignId = term.quirks.foreignBookings[0];
const foreign = term.booker.bookings.find((booking) => booking.OptimeIndex === foreignId);
const bookableRoom = term.booker.rooms.find(
  (room) => room.IsBookable && room.OptimeIndex !== foreign?.RoomOptimeIndex,
);

function input(overrides: Partial<BookingInput> = {}): BookingInput {
  return {
    roomId: bookableRoom?.OptimeIndex ?? 0,
    start: '2025-10-20T09:00:00+01:00',
    end: '2025-10-20T10:00:00+01:00',
    title: 'CHEM Lecture 1',
    description: 'From TermTime',
    externalReference: 'tt:CHEM-LEC-1-1:R1',
    expectedAttendees: 80,
    bookingType: 'Teaching',
    ...overrides,
  };
}

describe('BookerClient against the Booker simulator', () => {
  let now = Date.parse('2025-10-01T08:00:00Z');
  const clock = () => now;
  const simulator = new BookerSimulator({
    username: USERNAME,
    password: PASSWORD,
    tokenTtlMs: 600_000,
    now: clock,
  });
  let delays: number[] = [];
  const client = (overrides: { password?: string; pageSize?: number } = {}) =>
    new BookerClient({
      baseUrl: simulator.url,
      username: USERNAME,
      password: overrides.password ?? PASSWORD,
      pageSize: overrides.pageSize,
      baseDelayMs: 1,
      now: clock,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    });

  beforeAll(async () => {
    await simulator.start();
  });
  afterAll(() => simulator.close());
  beforeEach(() => {
    simulator.reset();
    simulator.seed(term.booker);
    simulator.expireTokens();
    simulator.tokensIssued = 0;
    delays = [];
  });

  it('signs in once for concurrent calls and reads rooms and buildings', async () => {
    const booker = client();
    const [rooms, buildings] = await Promise.all([booker.listRooms(), booker.listBuildings()]);
    expect(simulator.tokensIssued).toBe(1);
    expect(booker.calls).toBe(3);
    expect(rooms).toHaveLength(12);
    expect(
      rooms
        .filter((room) => !room.bookable)
        .map((room) => room.code)
        .sort(),
    ).toEqual([...term.quirks.nonBookableRooms].sort());
    const withoutFloor = rooms.find((room) => room.code === term.quirks.roomsOnlyInBooker[0]);
    expect(withoutFloor?.floorName).toBeNull();
    expect(rooms[0]).toEqual({
      id: 1000,
      code: 'B01-001',
      name: 'Arts Building Room 1',
      buildingId: 100,
      floorName: term.booker.rooms[0].FloorName,
      capacity: term.booker.rooms[0].Capacity,
      roomType: term.booker.rooms[0].RoomType,
      bookable: true,
    });
    expect(buildings).toEqual([
      { id: 100, code: 'B01', name: 'Arts Building', siteName: 'Main Campus' },
      { id: 101, code: 'B02', name: 'Science Building', siteName: 'Main Campus' },
    ]);
  });

  it('refuses a wrong password with a BookerAuthError that never shows it', async () => {
    const failure = await client({ password: 'wrong-password-123' })
      .listRooms()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BookerAuthError);
    expect((failure as Error).message).toBe(
      'Booker: signing in failed: the username or password was refused (HTTP 401)',
    );
    expect(inspect(failure)).not.toContain('wrong-password-123');
  });

  it('signs in again, once, when Booker says the token expired', async () => {
    const booker = client();
    await booker.listRooms();
    simulator.expireTokens();
    await Promise.all([booker.listRooms(), booker.listBuildings(), booker.listRooms()]);
    expect(simulator.tokensIssued).toBe(2);
    // 1 sign-in + 1 read; then 3 refused reads, 1 sign-in, 3 reads again.
    expect(booker.calls).toBe(9);
  });

  it('renews a token before it expires, without a refused call', async () => {
    const booker = client();
    await booker.listRooms();
    now += 590_000; // the token has 10 s left: less than the client's margin
    await booker.listRooms();
    expect(simulator.tokensIssued).toBe(2);
    expect(booker.calls).toBe(4);
    expect(simulator.control.calls.filter((call) => call.status === 401)).toEqual([]);
  });

  it('renews a short-lived token at half its life', async () => {
    const shortLived = new BookerSimulator({
      username: USERNAME,
      password: PASSWORD,
      tokenTtlMs: 20_000,
      now: clock,
    });
    shortLived.seed(term.booker);
    await shortLived.start();
    try {
      const booker = new BookerClient({
        baseUrl: shortLived.url,
        username: USERNAME,
        password: PASSWORD,
        now: clock,
      });
      await booker.listRooms();
      now += 9_000;
      await booker.listRooms();
      expect(shortLived.tokensIssued).toBe(1);
      now += 2_000; // 11 s of 20: past half its life
      await booker.listRooms();
      expect(shortLived.tokensIssued).toBe(2);
      expect(shortLived.control.calls.filter((call) => call.status === 401)).toEqual([]);
    } finally {
      await shortLived.close();
    }
  });

  it('reads every page of the bookings in a window, cancelled ones included', async () => {
    const setup = client();
    const created: number[] = [];
    for (let day = 0; day < 25; day++) {
      const date = `2025-11-${String(day + 1).padStart(2, '0')}`;
      for (let hour = 10; hour < 14; hour++) {
        const start = `${date}T${hour}:00:00Z`;
        const end = `${date}T${hour}:30:00Z`;
        created.push(
          (await setup.createBooking(input({ start, end, externalReference: `ref-${date}-${hour}` }))).id,
        );
      }
    }
    await setup.cancelBooking(created[5]);
    const booker = client({ pageSize: 30 });
    const bookings = await booker.listBookings({ start: '2025-11-01', end: '2025-11-30' });
    const foreignInNovember = term.booker.bookings.filter((b) => b.StartTime.startsWith('2025-11')).length;
    expect(bookings).toHaveLength(100 + foreignInNovember);
    expect(bookings.find((b) => b.id === created[5])?.status).toBe('Cancelled');
    expect(new Set(bookings.map((b) => b.id)).size).toBe(bookings.length);
    // 1 sign-in + ceil(total / 30) pages.
    expect(booker.calls).toBe(1 + Math.ceil(bookings.length / 30));
    const ours = bookings.find((b) => b.id === created[0]);
    expect(ours).toEqual({
      id: created[0],
      roomId: bookableRoom?.OptimeIndex,
      start: '2025-11-01T10:00:00Z',
      end: '2025-11-01T10:30:00Z',
      title: 'CHEM Lecture 1',
      description: 'From TermTime',
      externalReference: 'ref-2025-11-01-10',
      expectedAttendees: 80,
      bookingType: 'Teaching',
      status: 'Confirmed',
      createdBy: USERNAME,
    });
    const narrow = await booker.listBookings({ start: '2025-11-03', end: '2025-11-03' });
    expect(narrow.map((b) => b.id)).toEqual(created.slice(8, 12));
  });

  it('creates, finds by ExternalReference, updates and cancels a booking', async () => {
    const booker = client();
    const { id, foundAfterLostAnswer } = await booker.createBooking(input());
    expect(foundAfterLostAnswer).toBe(false);
    expect(await booker.findByExternalReference('tt:CHEM-LEC-1-1:R1')).toMatchObject({
      id,
      status: 'Confirmed',
    });
    await booker.updateBooking(
      id,
      input({ start: '2025-10-20T11:00:00+01:00', end: '2025-10-20T12:00:00+01:00' }),
    );
    expect(simulator.booking(id)).toMatchObject({
      StartTime: '2025-10-20T11:00:00+01:00',
      Status: 'Confirmed',
    });
    await booker.cancelBooking(id);
    await booker.cancelBooking(id); // again: harmless
    expect(simulator.booking(id)?.Status).toBe('Cancelled');
    expect(await booker.findByExternalReference('tt:CHEM-LEC-1-1:R1')).toBeNull();
  });

  it('reads one booking by id, whatever its dates and status; null when Booker has none', async () => {
    const booker = client();
    const { id } = await booker.createBooking(input({ externalReference: 'tt:by-id' }));
    simulator.moveByHand(id, '2026-05-04T09:00:00+01:00', '2026-05-04T10:00:00+01:00');
    expect(await booker.getBooking(id)).toMatchObject({
      id,
      start: '2026-05-04T09:00:00+01:00',
      externalReference: 'tt:by-id',
      status: 'Confirmed',
    });
    await booker.cancelBooking(id);
    expect(await booker.getBooking(id)).toMatchObject({ id, status: 'Cancelled' });
    simulator.deleteByHand(id);
    expect(await booker.getBooking(id)).toBeNull();
    await expect(booker.getBooking(0)).rejects.toThrow(RangeError);
    await expect(booker.getBooking(1.5)).rejects.toThrow(RangeError);
  });

  it("confirms a by-id 404 with the booking's ExternalReference before calling it gone", async () => {
    const booker = client();
    const { id } = await booker.createBooking(input({ externalReference: 'tt:by-id-404' }));
    simulator.moveByHand(id, '2026-05-05T09:00:00+01:00', '2026-05-05T10:00:00+01:00');
    // A Booker whose by-id route answers 404 (our model's route missing there): the booking lives on.
    const byId = new RegExp(`^/api/booker/booking/${id}$`);
    simulator.control.addFault({ method: 'GET', path: byId, status: 404, times: 1 });
    expect(await booker.getBooking(id, 'tt:by-id-404')).toMatchObject({
      id,
      start: '2026-05-05T09:00:00+01:00',
      status: 'Confirmed',
    });
    // Without a reference to confirm with, a 404 is taken as gone.
    simulator.control.addFault({ method: 'GET', path: byId, status: 404, times: 1 });
    expect(await booker.getBooking(id)).toBeNull();
    // Gone for real: the by-id 404 and no live booking with the reference.
    simulator.deleteByHand(id);
    expect(await booker.getBooking(id, 'tt:by-id-404')).toBeNull();
  });

  it('fails a by-id read that answers another booking, or a malformed one', async () => {
    const booker = client();
    const { id } = await booker.createBooking(input({ externalReference: 'tt:by-id-bad' }));
    const other = simulator.booking(id);
    const path = `/api/booker/booking/${id}`;
    simulator.control.addFault({
      method: 'GET',
      path,
      status: 200,
      times: 1,
      body: { ...other, OptimeIndex: id + 1 },
    });
    await expect(booker.getBooking(id)).rejects.toThrow(/answered with booking/);
    simulator.control.addFault({ method: 'GET', path, status: 200, times: 1, body: { OptimeIndex: id } });
    await expect(booker.getBooking(id)).rejects.toThrow(UnexpectedResponseError);
    simulator.control.addFault({ method: 'GET', path, status: 500, times: 10 });
    await expect(booker.getBooking(id)).rejects.toThrow(BookerError);
  });

  it('throws a BookerConflictError naming the bookings in the way', async () => {
    const booker = client();
    const room = term.booker.rooms.find((r) => r.OptimeIndex === foreign?.RoomOptimeIndex);
    const failure = await booker
      .createBooking(
        input({
          roomId: room?.OptimeIndex ?? 0,
          start: foreign?.StartTime ?? '',
          end: foreign?.EndTime ?? '',
        }),
      )
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BookerConflictError);
    expect((failure as BookerConflictError).conflictingBookingIds).toEqual([foreignId]);
    expect((failure as BookerConflictError).status).toBe(409);
    // An update into the same slot is refused the same way.
    const { id } = await booker.createBooking(input({ roomId: room?.OptimeIndex ?? 0 }));
    const moved = await booker
      .updateBooking(
        id,
        input({
          roomId: room?.OptimeIndex ?? 0,
          start: foreign?.StartTime ?? '',
          end: foreign?.EndTime ?? '',
        }),
      )
      .catch((error: unknown) => error);
    expect((moved as BookerConflictError).conflictingBookingIds).toEqual([foreignId]);
  });

  it('maps 404 and field errors to typed errors under the app field names', async () => {
    const booker = client();
    await expect(booker.updateBooking(999_999, input())).rejects.toBeInstanceOf(BookerNotFoundError);
    await expect(booker.cancelBooking(999_999)).rejects.toBeInstanceOf(BookerNotFoundError);
    const nonBookable = term.booker.rooms.find((room) => !room.IsBookable);
    const failure = (await booker
      .createBooking(input({ roomId: nonBookable?.OptimeIndex ?? 0, end: '2025-10-20T08:00:00+01:00' }))
      .catch((error: unknown) => error)) as BookerValidationError;
    expect(failure).toBeInstanceOf(BookerValidationError);
    expect(failure.errors).toEqual({
      roomId: [`Room ${nonBookable?.Code} is not bookable`],
      end: ['EndTime must be after StartTime'],
    });
  });

  it('honours Retry-After on 429 and retries reads after a 5xx', async () => {
    const booker = client();
    simulator.control.addFault({ path: '/api/booker/bookings', status: 429, times: 1, retryAfterSeconds: 2 });
    simulator.control.addFault({ path: '/api/booker/bookings', status: 502, times: 1 });
    await booker.listBookings({ start: '2025-10-01', end: '2025-12-31' });
    expect(delays[0]).toBe(2000);
    expect(booker.calls).toBe(4);
  });

  it('retries a create refused with 429, which Booker did not process', async () => {
    const booker = client();
    simulator.control.addFault({
      method: 'POST',
      path: '/api/booker/booking',
      status: 429,
      times: 1,
      retryAfterSeconds: 1,
    });
    const { id } = await booker.createBooking(input());
    expect(delays).toEqual([1000]);
    expect(
      simulator
        .bookings()
        .filter((b) => b.ExternalReference === 'tt:CHEM-LEC-1-1:R1')
        .map((b) => b.OptimeIndex),
    ).toEqual([id]);
  });

  it('after a lost create answer, finds the booking that was made instead of booking twice', async () => {
    const booker = client();
    simulator.loseCreateAnswers(1);
    const created = await booker.createBooking(input());
    expect(created.foundAfterLostAnswer).toBe(true);
    const ours = simulator.bookings().filter((b) => b.ExternalReference === 'tt:CHEM-LEC-1-1:R1');
    expect(ours.map((b) => b.OptimeIndex)).toEqual([created.id]);
    // sign-in, the create (503), the look-up.
    expect(booker.calls).toBe(3);
  });

  it('repeats a create that failed with a 5xx and was not made', async () => {
    const booker = client();
    simulator.control.addFault({ method: 'POST', path: '/api/booker/booking', status: 500, times: 1 });
    const created = await booker.createBooking(input());
    expect(created.foundAfterLostAnswer).toBe(false);
    expect(simulator.bookings().filter((b) => b.ExternalReference === 'tt:CHEM-LEC-1-1:R1')).toHaveLength(1);
    // sign-in, the create (500), the look-up (none), the create again.
    expect(booker.calls).toBe(4);
  });

  it("waits as a 5xx's Retry-After says before repeating a create", async () => {
    const booker = client();
    simulator.control.addFault({
      method: 'POST',
      path: '/api/booker/booking',
      status: 503,
      times: 1,
      retryAfterSeconds: 3,
    });
    const created = await booker.createBooking(input());
    expect(created.foundAfterLostAnswer).toBe(false);
    expect(delays).toEqual([3000]);
  });

  it('gives up on a create after its attempts, with a BookerError', async () => {
    const booker = client();
    simulator.control.addFault({ method: 'POST', path: '/api/booker/booking', status: 503 });
    const failure = await booker.createBooking(input()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BookerError);
    expect((failure as BookerError).status).toBe(503);
    expect(simulator.bookings().filter((b) => b.ExternalReference === 'tt:CHEM-LEC-1-1:R1')).toEqual([]);
  });

  it('names the field of a malformed bookings page', async () => {
    simulator.control.addFault({
      path: '/api/booker/bookings',
      status: 200,
      times: 1,
      body: {
        Items: [{ ...foreign, StartTime: '2025-10-20T09:00:00' }],
        Page: 1,
        PageSize: 500,
        TotalCount: 1,
      },
    });
    const failure = await client()
      .listBookings({ start: '2025-10-01', end: '2025-12-31' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnexpectedResponseError);
    expect((failure as UnexpectedResponseError).field).toBe('Items[0].StartTime');
    expect((failure as Error).message).toBe(
      'Booker: unexpected bookings page 1: Items[0].StartTime: must be an ISO 8601 date-time with an offset',
    );
  });

  it('fails a read whose pages do not add up', async () => {
    simulator.control.addFault({
      path: '/api/booker/bookings',
      status: 200,
      times: 1,
      body: { Items: [], Page: 1, PageSize: 500, TotalCount: 3 },
    });
    await expect(client().listBookings({ start: '2025-10-01', end: '2025-12-31' })).rejects.toThrow(
      /the pages hold 0 bookings where Booker counted 3/,
    );
  });

  describe('onPage: each page handed over as the listing goes on', () => {
    const WINDOW = { start: '2025-10-01', end: '2025-12-31' };
    const PAGE = 2;
    const slow = (page: number, ms: number) =>
      simulator.control.slowdowns.push({ path: '/api/booker/bookings', queryIncludes: `page=${page}&`, ms });
    beforeEach(async () => {
      // 12 more bookings in the window: 8 pages or more.
      const setup = client();
      for (let day = 10; day < 22; day++) {
        const start = `2025-11-${day}T10:00:00Z`;
        const end = `2025-11-${day}T11:00:00Z`;
        await setup.createBooking(input({ start, end, externalReference: `page-test-${day}` }));
      }
    });

    it('hands each page over once, in page order, all before the listing is done, whatever order they come in', async () => {
      const booker = client({ pageSize: PAGE });
      const expected = await booker.listBookings(WINDOW);
      expect(expected.length).toBeGreaterThanOrEqual(8 * PAGE);
      // Pages 2 to 5 are asked for at once: 2 and 3 answer last, 3 before 2.
      slow(2, 120);
      slow(3, 60);
      const handed: number[][] = [];
      const bookings = await booker.listBookings(WINDOW, (items) => handed.push(items.map((b) => b.id)));
      expect(bookings).toEqual(expected);
      expect(handed.flat()).toEqual(expected.map((b) => b.id));
      expect(handed.map((page) => page.length)).toEqual(
        Array.from({ length: Math.ceil(expected.length / PAGE) }, (_, i) =>
          Math.min(PAGE, expected.length - i * PAGE),
        ),
      );
      const pages = handed.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(handed).toHaveLength(pages);
    });

    it('hands over no page after a page fails, nor one that came after a gap', async () => {
      const booker = client({ pageSize: PAGE });
      const expected = await booker.listBookings(WINDOW);
      // Page 3 fails at once; page 2 comes in 100 ms later, while page 5 is still awaited.
      slow(2, 100);
      slow(5, 300);
      simulator.control.addFault({ path: '/api/booker/bookings', queryIncludes: 'page=3&', status: 400 });
      const handed: number[][] = [];
      const failure = await booker
        .listBookings(WINDOW, (items) => handed.push(items.map((b) => b.id)))
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(BookerError);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Page 1 only: page 2 came in after page 3 failed, and page 4 waits for 2 and 3.
      expect(handed).toEqual([expected.slice(0, PAGE).map((b) => b.id)]);
    });

    it('fails the listing with what onPage threw, hands over nothing after it and asks for no more pages', async () => {
      const booker = client({ pageSize: PAGE });
      const expected = await booker.listBookings(WINDOW);
      const before = simulator.control.calls.length;
      // Pages 3 to 5 answer well after page 2 is handed over (and onPage throws).
      for (const n of [3, 4, 5]) slow(n, 200);
      const handed: number[][] = [];
      const failure = await booker
        .listBookings(WINDOW, (items) => {
          handed.push(items.map((b) => b.id));
          if (handed.length === 2) throw new Error('the caller failed on page 2');
        })
        .catch((error: unknown) => error);
      expect((failure as Error).message).toBe('the caller failed on page 2');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(handed).toEqual([
        expected.slice(0, PAGE).map((b) => b.id),
        expected.slice(PAGE, 2 * PAGE).map((b) => b.id),
      ]);
      // Pages 1 to 5 (the first, then four at once) and page 6 (asked for as page 2 came in, before
      // it was handed over); none after onPage threw.
      const pagesRead = simulator.control.calls
        .slice(before)
        .filter((c) => c.path === '/api/booker/bookings');
      expect(pagesRead).toHaveLength(6);
      expect(Math.ceil(expected.length / PAGE)).toBeGreaterThan(6);
    });
  });
});
