import { SeedError } from '../common/simulator.js';
import type {
  BookerSeed,
  SimBookerBuilding,
  SimBookerRoom,
  SimBooking,
  SimBookingInput,
} from './booker-data.js';

/** A refusal of a write: 400 with field errors, 404, or 409 with the bookings in the way. */
export type BookerRefusal =
  | { status: 400; message: string; errors: Record<string, string[]> }
  | { status: 404; message: string }
  | { status: 409; message: string; conflicting: number[] };

interface Span {
  start: number;
  end: number;
}

/**
 * The Booker simulator's rooms, buildings and bookings, with the indexes its checks need: bookings
 * per room (overlaps), live bookings per ExternalReference (unique among non-cancelled ones) and
 * each booking's instants.
 */
export class BookerStore {
  readonly buildings: SimBookerBuilding[];
  readonly rooms = new Map<number, SimBookerRoom>();
  readonly bookings = new Map<number, SimBooking>();
  private readonly spans = new Map<number, Span>();
  private readonly byRoom = new Map<number, Set<number>>();
  private readonly liveByReference = new Map<string, number>();
  private readonly byReference = new Map<string, Set<number>>();
  private nextId: number;
  /** Goes up with every change (for caches of listings). */
  version = 0;

  constructor(seed: BookerSeed) {
    const copy = structuredClone(seed);
    this.buildings = copy.buildings;
    const buildingIds = new Set(copy.buildings.map((b) => b.OptimeIndex));
    for (const room of copy.rooms) {
      if (this.rooms.has(room.OptimeIndex))
        throw new SeedError(`Booker simulator seed: room ${room.OptimeIndex} twice`);
      if (!buildingIds.has(room.BuildingOptimeIndex))
        throw new SeedError(`Booker simulator seed: room ${room.Code} names a building not in the seed`);
      this.rooms.set(room.OptimeIndex, room);
    }
    for (const booking of copy.bookings) {
      if (this.bookings.has(booking.OptimeIndex))
        throw new SeedError(`Booker simulator seed: booking ${booking.OptimeIndex} twice`);
      if (!this.rooms.has(booking.RoomOptimeIndex))
        throw new SeedError(
          `Booker simulator seed: booking ${booking.OptimeIndex} names a room not in the seed`,
        );
      this.put(booking);
    }
    this.nextId = Math.max(0, ...this.bookings.keys()) + 1;
  }

  toSeed(): BookerSeed {
    return structuredClone({
      buildings: this.buildings,
      rooms: [...this.rooms.values()],
      bookings: [...this.bookings.values()],
    });
  }

  /** Bookings overlapping [from, to) (milliseconds), in id order, cancelled ones included. */
  overlapping(from: number, to: number): SimBooking[] {
    const found: SimBooking[] = [];
    for (const [id, span] of this.spans) {
      if (span.start < to && from < span.end) found.push(this.bookings.get(id) as SimBooking);
    }
    return found.sort((a, b) => a.OptimeIndex - b.OptimeIndex);
  }

  /** Every booking with this ExternalReference (cancelled ones too), in id order. */
  withReference(reference: string): SimBooking[] {
    return [...(this.byReference.get(reference) ?? [])]
      .sort((a, b) => a - b)
      .map((id) => this.bookings.get(id) as SimBooking);
  }

  create(input: SimBookingInput, author: string): SimBooking | BookerRefusal {
    const refusal = this.check(input, undefined);
    if (refusal !== undefined) return refusal;
    const booking: SimBooking = {
      OptimeIndex: this.nextId++,
      ...input,
      Status: 'Confirmed',
      CreatedBy: author,
    };
    this.put(booking);
    return booking;
  }

  update(id: number, input: SimBookingInput): SimBooking | BookerRefusal {
    const existing = this.bookings.get(id);
    if (existing === undefined) return { status: 404, message: `Booking ${id} not found` };
    if (existing.Status === 'Cancelled')
      return {
        status: 400,
        message: 'Validation failed',
        errors: { Status: ['A cancelled booking cannot be changed'] },
      };
    const refusal = this.check(input, id);
    if (refusal !== undefined) return refusal;
    this.remove(id);
    const booking: SimBooking = { ...existing, ...input };
    this.put(booking);
    return booking;
  }

  cancel(id: number): SimBooking | BookerRefusal {
    const existing = this.bookings.get(id);
    if (existing === undefined) return { status: 404, message: `Booking ${id} not found` };
    if (existing.Status === 'Cancelled') return existing;
    this.remove(id);
    const booking: SimBooking = { ...existing, Status: 'Cancelled' };
    this.put(booking);
    return booking;
  }

  /** Removes a booking altogether (someone deleted it in Booker). */
  delete(id: number): boolean {
    if (!this.bookings.has(id)) return false;
    this.remove(id);
    return true;
  }

  private check(input: SimBookingInput, self: number | undefined): BookerRefusal | undefined {
    const errors: Record<string, string[]> = {};
    const room = this.rooms.get(input.RoomOptimeIndex);
    if (room === undefined) errors['RoomOptimeIndex'] = [`Room ${input.RoomOptimeIndex} does not exist`];
    else if (!room.IsBookable) errors['RoomOptimeIndex'] = [`Room ${room.Code} is not bookable`];
    const start = Date.parse(input.StartTime);
    const end = Date.parse(input.EndTime);
    if (!(end > start)) errors['EndTime'] = ['EndTime must be after StartTime'];
    const reference = input.ExternalReference;
    if (reference !== null) {
      const holder = this.liveByReference.get(reference);
      if (holder !== undefined && holder !== self)
        errors['ExternalReference'] = [`ExternalReference is already used by booking ${holder}`];
    }
    if (Object.keys(errors).length > 0) return { status: 400, message: 'Validation failed', errors };
    const conflicting: number[] = [];
    for (const id of this.byRoom.get(input.RoomOptimeIndex) ?? []) {
      if (id === self) continue;
      const other = this.bookings.get(id) as SimBooking;
      const span = this.spans.get(id) as Span;
      if (other.Status !== 'Cancelled' && span.start < end && start < span.end) conflicting.push(id);
    }
    if (conflicting.length > 0) {
      return {
        status: 409,
        message: `The room already has a booking at that time`,
        conflicting: conflicting.sort((a, b) => a - b),
      };
    }
    return undefined;
  }

  private put(booking: SimBooking): void {
    this.version += 1;
    const id = booking.OptimeIndex;
    this.bookings.set(id, booking);
    this.spans.set(id, { start: Date.parse(booking.StartTime), end: Date.parse(booking.EndTime) });
    let inRoom = this.byRoom.get(booking.RoomOptimeIndex);
    if (inRoom === undefined) this.byRoom.set(booking.RoomOptimeIndex, (inRoom = new Set()));
    inRoom.add(id);
    if (booking.ExternalReference !== null) {
      let withReference = this.byReference.get(booking.ExternalReference);
      if (withReference === undefined)
        this.byReference.set(booking.ExternalReference, (withReference = new Set()));
      withReference.add(id);
      if (booking.Status !== 'Cancelled') this.liveByReference.set(booking.ExternalReference, id);
    }
  }

  private remove(id: number): void {
    const booking = this.bookings.get(id);
    if (booking === undefined) return;
    this.version += 1;
    this.bookings.delete(id);
    this.spans.delete(id);
    this.byRoom.get(booking.RoomOptimeIndex)?.delete(id);
    if (booking.ExternalReference !== null) {
      this.byReference.get(booking.ExternalReference)?.delete(id);
      if (this.liveByReference.get(booking.ExternalReference) === id)
        this.liveByReference.delete(booking.ExternalReference);
    }
  }
}
