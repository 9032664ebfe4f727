import { z } from 'zod';
import type { BookerBooking, BookerBuilding, BookerRoom, BookingInput } from './booker.types.js';

/**
 * The wire format of this project's Booker model (PascalCase JSON), mapped to and from the app's
 * types. Booker's real field names, when known, change here and in the client only.
 */

const id = z.number().int().positive();
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset' });
const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value === undefined || value === null || value === '' ? null : value));

export const tokenSchema = z.object({
  Token: z.string().min(1),
  Expires: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 date-time'),
});

export const bookingSchema = z
  .object({
    OptimeIndex: id,
    RoomOptimeIndex: id,
    StartTime: instant,
    EndTime: instant,
    Title: z.string(),
    Description: z.string().nullish(),
    ExternalReference: optionalText,
    ExpectedAttendees: z.number().int().nonnegative().nullish(),
    BookingType: z.string().nullish(),
    Status: z.enum(['Confirmed', 'Cancelled']),
    CreatedBy: z.string().nullish(),
  })
  .transform((wire): BookerBooking => ({
    id: wire.OptimeIndex,
    roomId: wire.RoomOptimeIndex,
    start: wire.StartTime,
    end: wire.EndTime,
    title: wire.Title,
    description: wire.Description ?? '',
    externalReference: wire.ExternalReference,
    expectedAttendees: wire.ExpectedAttendees ?? 0,
    bookingType: wire.BookingType ?? '',
    status: wire.Status,
    createdBy: wire.CreatedBy ?? '',
  }));

export const bookingsPageSchema = z.object({
  Items: z.array(bookingSchema),
  Page: z.number().int().positive(),
  PageSize: z.number().int().positive(),
  TotalCount: z.number().int().nonnegative(),
});

export const createdSchema = z.object({ OptimeIndex: id });

export const roomsSchema = z.array(
  z
    .object({
      OptimeIndex: id,
      Code: z.string().min(1),
      Name: z.string(),
      BuildingOptimeIndex: id,
      FloorName: optionalText,
      Capacity: z.number().int().nonnegative().nullish(),
      RoomType: optionalText,
      IsBookable: z.boolean(),
    })
    .transform((wire): BookerRoom => ({
      id: wire.OptimeIndex,
      code: wire.Code,
      name: wire.Name,
      buildingId: wire.BuildingOptimeIndex,
      floorName: wire.FloorName,
      capacity: wire.Capacity ?? null,
      roomType: wire.RoomType,
      bookable: wire.IsBookable,
    })),
);

export const buildingsSchema = z.array(
  z
    .object({ OptimeIndex: id, Code: z.string().min(1), Name: z.string(), SiteName: optionalText })
    .transform((wire): BookerBuilding => ({
      id: wire.OptimeIndex,
      code: wire.Code,
      name: wire.Name,
      siteName: wire.SiteName,
    })),
);

/** Booker's error bodies: `{Message}`, with `Errors` (400) or `ConflictingBookings` (409). */
export const errorBodySchema = z.object({
  Message: z.string().optional(),
  Errors: z.record(z.string(), z.array(z.string())).optional(),
  ConflictingBookings: z.array(z.number().int()).optional(),
});

export function wireBooking(input: BookingInput): Record<string, unknown> {
  return {
    RoomOptimeIndex: input.roomId,
    StartTime: input.start,
    EndTime: input.end,
    Title: input.title,
    Description: input.description,
    ExternalReference: input.externalReference,
    ExpectedAttendees: input.expectedAttendees,
    BookingType: input.bookingType,
  };
}

const FIELD_NAMES: Record<string, keyof BookingInput | 'status' | 'id'> = {
  RoomOptimeIndex: 'roomId',
  StartTime: 'start',
  EndTime: 'end',
  Title: 'title',
  Description: 'description',
  ExternalReference: 'externalReference',
  ExpectedAttendees: 'expectedAttendees',
  BookingType: 'bookingType',
  Status: 'status',
  OptimeIndex: 'id',
};

/** Booker's field errors under the app's field names (`StartTime` → `start`). */
export function appFieldErrors(errors: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(errors).map(([field, texts]) => [FIELD_NAMES[field] ?? field, texts]),
  );
}
