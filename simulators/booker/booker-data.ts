import { z } from 'zod';

/**
 * The Booker simulator's data, in the PascalCase wire shape of this project's Booker model (see
 * `booker.simulator.ts`), and its seed JSON.
 */

const id = z.number().int().positive();
/** ISO 8601 with an offset (`2025-10-20T09:00:00+01:00` or `...Z`). */
export const instantSchema = z.iso.datetime({ offset: true, local: false });

const buildingSchema = z.strictObject({
  OptimeIndex: id,
  Code: z.string().min(1),
  Name: z.string().min(1),
  SiteName: z.string().nullable(),
});
const roomSchema = z.strictObject({
  OptimeIndex: id,
  Code: z.string().min(1),
  Name: z.string().min(1),
  BuildingOptimeIndex: id,
  FloorName: z.string().nullable(),
  Capacity: z.number().int().min(0).nullable(),
  RoomType: z.string().nullable(),
  IsBookable: z.boolean(),
});
export const bookingStatusSchema = z.enum(['Confirmed', 'Cancelled']);
const bookingSchema = z.strictObject({
  OptimeIndex: id,
  RoomOptimeIndex: id,
  StartTime: instantSchema,
  EndTime: instantSchema,
  Title: z.string().min(1).max(200),
  Description: z.string(),
  ExternalReference: z.string().max(255).nullable(),
  ExpectedAttendees: z.number().int().min(0),
  BookingType: z.string(),
  Status: bookingStatusSchema,
  CreatedBy: z.string().min(1),
});

export const bookerSeedSchema = z.strictObject({
  buildings: z.array(buildingSchema),
  rooms: z.array(roomSchema),
  bookings: z.array(bookingSchema),
});

export type SimBookerBuilding = z.infer<typeof buildingSchema>;
export type SimBookerRoom = z.infer<typeof roomSchema>;
export type SimBooking = z.infer<typeof bookingSchema>;
/** Seed JSON of the Booker simulator (`--seed FILE`, `POST /_sim/seed`). */
export type BookerSeed = z.infer<typeof bookerSeedSchema>;

/** What a create or an update sends: a booking without its id, status and author. */
export const bookingInputSchema = z.strictObject({
  RoomOptimeIndex: id,
  StartTime: instantSchema,
  EndTime: instantSchema,
  Title: z.string().min(1).max(200),
  Description: z.string().max(4000).optional().default(''),
  ExternalReference: z.string().min(1).max(255).nullable().optional().default(null),
  ExpectedAttendees: z.number().int().min(0),
  BookingType: z.string().min(1).max(100),
});
export type SimBookingInput = z.output<typeof bookingInputSchema>;
