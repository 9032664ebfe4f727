import { z } from 'zod';

/**
 * The TermTime simulator's data, kept by code and linked by code (room → floor → building →
 * campus), and its seed JSON. What the API answers is built from it by `termtime-wire.ts`.
 */

const code = z.string().min(1).max(45);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a YYYY-MM-DD date');
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'an HH:MM time');

const campusSchema = z.strictObject({ code, name: z.string().min(1).max(45) });
const buildingSchema = z.strictObject({ code, name: z.string().min(1).max(100), campusCode: code });
const floorSchema = z.strictObject({ code, name: z.string().min(1).max(100), buildingCode: code });
const departmentSchema = z.strictObject({ code: z.string().min(1).max(255), name: z.string().min(1) });
const activityTypeSchema = z.strictObject({
  code: z.string().min(1).max(5),
  name: z.string().min(1).max(45),
});
const roomSchema = z.strictObject({
  code,
  name: z.string().min(1).max(255),
  floorCode: code,
  departmentCode: z.string().min(1).max(255),
  /** Capacity per activity type code. */
  capacities: z.array(z.strictObject({ typeCode: z.string().min(1).max(5), cap: z.number().int().min(0) })),
  toDelete: z.boolean(),
});
const timeframeSchema = z.strictObject({
  code: z.string().min(1).max(110),
  name: z.string().min(1).max(120),
  firstWeek: z.number().int().min(1),
  lastWeek: z.number().int().min(1),
  startDate: date,
  endDate: date,
});
const eventSchema = z.strictObject({
  uniqueId: z.string().min(1),
  date,
  startTime: time,
  endTime: time,
  week: z.number().int().min(1),
});
const activitySchema = z.strictObject({
  code: z.string().min(1),
  name: z.string().min(1).max(100),
  typeCode: z.string().min(1).max(5),
  size: z.number().int().min(0),
  virtual: z.boolean(),
  ready: z.boolean(),
  /** Room codes (may name `None` or a room TermTime does not have, as real data does). */
  scheduledRooms: z.array(z.string().min(1).max(45)),
  departmentCode: z.string().min(1).max(255),
  moduleCode: z.string().min(1).max(255),
  timeframe: z.string().min(1).max(110),
  events: z.array(eventSchema),
});

export const termTimeSeedSchema = z.strictObject({
  campuses: z.array(campusSchema),
  buildings: z.array(buildingSchema),
  floors: z.array(floorSchema),
  departments: z.array(departmentSchema),
  activityTypes: z.array(activityTypeSchema),
  rooms: z.array(roomSchema),
  timeframes: z.array(timeframeSchema),
  activities: z.array(activitySchema),
});

export type SimCampus = z.infer<typeof campusSchema>;
export type SimBuilding = z.infer<typeof buildingSchema>;
export type SimFloor = z.infer<typeof floorSchema>;
export type SimDepartment = z.infer<typeof departmentSchema>;
export type SimActivityType = z.infer<typeof activityTypeSchema>;
export type SimTermTimeRoom = z.infer<typeof roomSchema>;
export type SimTimeframe = z.infer<typeof timeframeSchema>;
export type SimEvent = z.infer<typeof eventSchema>;
export type SimActivity = z.infer<typeof activitySchema>;
/** Seed JSON of the TermTime simulator (`--seed FILE`, `POST /_sim/seed`). */
export type TermTimeSeed = z.infer<typeof termTimeSeedSchema>;

/** Minutes between two `HH:MM` times. */
export function minutesBetween(start: string, end: string): number {
  const minutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
  return minutes(end) - minutes(start);
}
