import { z } from 'zod';
import type {
  TermTimeActivity,
  TermTimeBuilding,
  TermTimeCampus,
  TermTimeFloor,
  TermTimePing,
  TermTimeRoom,
  TermTimeTimeframe,
} from './termtime.types.js';

/**
 * TermTime's wire format (API 7.7) for what essm-sync reads, mapped to the app's types. Only the
 * fields the sync needs are checked; the rest of each object is dropped. Flags are 0/1 (a boolean
 * is accepted too); times `HH:MM` (`HH:MM:SS` is cut to `HH:MM`, since the reference does not fix
 * the format).
 */

const flag = z
  .union([z.literal(0), z.literal(1), z.boolean()])
  .transform((value) => value === 1 || value === true);
const text = z.string();
const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value === undefined || value === null || value === '' ? null : value));
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date');
const time = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be an HH:MM time')
  .transform((value) => value.slice(0, 5));

const isTime = (value: string) => /^\d\d:\d\d$/.test(value);

const eventSchema = z
  .object({
    uniqueId: z.string().min(1),
    date,
    startTime: time,
    endTime: time,
    activityDurationMins: z.number().nonnegative(),
    week: z.number().int(),
  })
  // (zod runs this even when a time failed its own check: compare only well-formed times.)
  .refine((event) => !isTime(event.startTime) || !isTime(event.endTime) || event.endTime > event.startTime, {
    message: 'endTime must be after startTime',
    path: ['endTime'],
  });

export const activitySchema = z
  .object({
    code: z.string().min(1),
    name: text,
    type: text,
    size: z.number().nonnegative().nullish(),
    planSize: z.number().nonnegative().nullish(),
    scheduled: flag,
    virtual: flag,
    scheduledRooms: z.array(z.string()).nullish(),
    departmentCode: optionalText,
    moduleCode: optionalText,
    events: z.array(eventSchema).nullish(),
  })
  .transform((wire): TermTimeActivity => ({
    code: wire.code,
    name: wire.name,
    type: wire.type,
    size: Math.round(wire.size ?? wire.planSize ?? 0),
    scheduled: wire.scheduled,
    virtual: wire.virtual,
    scheduledRooms: wire.scheduledRooms ?? [],
    departmentCode: wire.departmentCode,
    moduleCode: wire.moduleCode,
    events: (wire.events ?? []).map((event) => ({
      uniqueId: event.uniqueId,
      date: event.date,
      startTime: event.startTime,
      endTime: event.endTime,
      durationMinutes: event.activityDurationMins,
      week: event.week,
    })),
  }));

export const activitiesSchema = z.array(activitySchema);

export const roomsSchema = z.array(
  z
    .object({
      c: z.string().min(1),
      n: text,
      d: z.object({ c: optionalText }).nullish(),
      f: z
        .object({
          n: optionalText,
          fc: optionalText,
          b: optionalText,
          bc: optionalText,
          c: optionalText,
          cc: optionalText,
        })
        .nullish(),
      rc: z
        .array(z.object({ type: optionalText, code: z.string().min(1), cap: z.number().int().nonnegative() }))
        .nullish(),
      toDelete: flag.nullish(),
    })
    .transform((wire): TermTimeRoom => ({
      code: wire.c,
      name: wire.n,
      departmentCode: wire.d?.c ?? null,
      floorName: wire.f?.n ?? null,
      floorCode: wire.f?.fc ?? null,
      buildingName: wire.f?.b ?? null,
      buildingCode: wire.f?.bc ?? null,
      campusName: wire.f?.c ?? null,
      campusCode: wire.f?.cc ?? null,
      capacities: (wire.rc ?? []).map((capacity) => ({
        typeCode: capacity.code,
        typeName: capacity.type,
        capacity: capacity.cap,
      })),
      toDelete: wire.toDelete ?? false,
    })),
);

export const buildingsSchema = z.array(
  z
    .object({ n: text, code: z.string().min(1), cn: text, fn: z.array(z.string()).nullish() })
    .transform((wire): TermTimeBuilding => ({
      code: wire.code,
      name: wire.n,
      campusName: wire.cn,
      floorNames: wire.fn ?? [],
    })),
);

export const campusesSchema = z.array(
  z
    .object({ n: text, code: z.string().min(1) })
    .transform((wire): TermTimeCampus => ({ code: wire.code, name: wire.n })),
);

export const floorsSchema = z.array(
  z.object({ n: text, code: z.string().min(1), bn: text, cn: text }).transform((wire): TermTimeFloor => ({
    code: wire.code,
    name: wire.n,
    buildingName: wire.bn,
    campusName: wire.cn,
  })),
);

export const timeframesSchema = z.array(
  z
    .object({
      c: z.string().min(1),
      n: text,
      f: z.number().int(),
      l: z.number().int(),
      fDate: date,
      lDate: date,
    })
    .transform((wire): TermTimeTimeframe => ({
      code: wire.c,
      name: wire.n,
      firstWeek: wire.f,
      lastWeek: wire.l,
      startDate: wire.fDate,
      endDate: wire.lDate,
    })),
);

export const pingSchema = z
  .object({ version: text, database: text, user: text })
  .transform((wire): TermTimePing => ({ version: wire.version, database: wire.database, user: wire.user }));

/** What a create answers: `{code: 0, message}`. */
export const createdSchema = z.object({ code: z.literal(0), message: z.string().optional() });

/** TermTime's error body. */
export const errorBodySchema = z.object({ code: z.number().int(), message: z.string().optional() });
