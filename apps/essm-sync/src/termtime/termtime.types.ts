/**
 * What essm-sync knows of TermTime (Semestry's timetabling system, API 7.7), in the app's own
 * words. `TermTimeClient` maps TermTime's wire format (short field names, 0/1 flags, query-parameter
 * writes) to and from these types; nothing outside `termtime/` sees a TermTime path or wire name.
 */

/**
 * Lengths TermTime accepts (its API reference): a room's name 100 characters, but 45 when the room
 * is created; the names of a room's floor, building and campus 45 (on a room's create and update).
 */
export const TERMTIME_LIMITS = { roomName: 100, newRoomName: 45, roomPlaceName: 45 } as const;

/** `text` cut to at most `max` UTF-16 units, never between the two halves of a surrogate pair. */
export function cutTo(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** One teaching event: one occurrence of an activity, in Europe/London wall-clock time. */
export interface TermTimeEvent {
  /** TermTime's id of the event, unique across activities (`CHEM101-LEC-01-1`). */
  uniqueId: string;
  /** `YYYY-MM-DD`, Europe/London. */
  date: string;
  /** `HH:MM`, Europe/London wall-clock time. */
  startTime: string;
  /** `HH:MM`, Europe/London wall-clock time (after `startTime`, same day). */
  endTime: string;
  durationMinutes: number;
  /** Academic-calendar week, counted from 1. */
  week: number;
}

/** A TermTime activity (a lecture series, a practical...) with its scheduled events. */
export interface TermTimeActivity {
  code: string;
  name: string;
  /** The activity type's name (`Lecture`, `Practical`...): what `EVENTS_BOOKING_TYPES` maps. */
  type: string;
  /** Planned or actual student count (TermTime's `size`); 0 when TermTime has none. */
  size: number;
  /** True when scheduled in at least one week. */
  scheduled: boolean;
  /** Online only: a time, no room. */
  virtual: boolean;
  /**
   * Room codes the activity is scheduled in; every event takes place in each of them. Empty for
   * an activity with no room; TermTime also uses the code `None` for "no room".
   */
  scheduledRooms: string[];
  departmentCode: string | null;
  moduleCode: string | null;
  events: TermTimeEvent[];
}

/** A room's capacity for one activity type. */
export interface TermTimeRoomCapacity {
  /** Activity type code (what `TERMTIME_CAPACITY_TYPE` names). */
  typeCode: string;
  /** Activity type name, when TermTime gives one. */
  typeName: string | null;
  capacity: number;
}

export interface TermTimeRoom {
  code: string;
  name: string;
  departmentCode: string | null;
  floorName: string | null;
  floorCode: string | null;
  buildingName: string | null;
  buildingCode: string | null;
  campusName: string | null;
  campusCode: string | null;
  capacities: TermTimeRoomCapacity[];
  /** Marked for deletion (`td=1`). */
  toDelete: boolean;
}

export interface TermTimeBuilding {
  code: string;
  name: string;
  /** The campus's name (TermTime lists buildings with their campus name, not its code). */
  campusName: string;
  /** Names of the building's floors. */
  floorNames: string[];
}

export interface TermTimeCampus {
  code: string;
  name: string;
}

export interface TermTimeFloor {
  code: string;
  name: string;
  buildingName: string;
  campusName: string;
}

/** A timeframe (`AY2526`, `MICH25`...): a named range of weeks with its first and last dates. */
export interface TermTimeTimeframe {
  code: string;
  name: string;
  firstWeek: number;
  lastWeek: number;
  /** `YYYY-MM-DD`. */
  startDate: string;
  /** `YYYY-MM-DD`. */
  endDate: string;
}

/** What `GET /ping` says: the API version, the database and the user the key belongs to. */
export interface TermTimePing {
  version: string;
  database: string;
  user: string;
}

/** A new building, under a campus (its code or name). */
export interface CreateBuildingInput {
  code: string;
  name: string;
  campus: string;
}

/** Changes to the building with `code`; only the fields given are sent. */
export interface UpdateBuildingInput {
  name?: string;
  /** Move it to this campus (code or name). */
  campus?: string;
}

/** A new floor of a building (building and campus by code). */
export interface CreateFloorInput {
  /** Unique across TermTime (e.g. `<building code>-<floor>`). */
  code: string;
  name: string;
  buildingCode: string;
  campusCode: string;
}

/** Changes to the floor with `code`; only the fields given are sent. */
export interface UpdateFloorInput {
  name?: string;
  /** Move it to this building (code). */
  buildingCode?: string;
}

export interface RoomCapacityInput {
  /** Activity type code. */
  typeCode: string;
  capacity: number;
}

/**
 * A new room. TermTime places rooms by floor, building and campus **names**, and wants a
 * department code.
 */
export interface CreateRoomInput {
  code: string;
  name: string;
  floorName: string;
  buildingName: string;
  campusName: string;
  departmentCode: string;
  capacities: RoomCapacityInput[];
}

/** Changes to the room with `code`; only the fields given are sent. */
export interface UpdateRoomInput {
  name?: string;
  floorName?: string;
  buildingName?: string;
  campusName?: string;
  departmentCode?: string;
  /** Replaces the capacities of the types listed. */
  capacities?: RoomCapacityInput[];
  /** false: un-mark a room marked for deletion (it came back). Marking is `markRoomForDeletion`. */
  toDelete?: false;
}

/** TermTime's error codes (its error body is `{code, message}`). */
export const TermTimeErrorCode = {
  BadApiKey: 100,
  UnrecognisedApiKey: 101,
  MandatoryParameterMissing: 102,
  DependentParameterMissing: 103,
  NoDatabase: 104,
  InternalError: 105,
  NoObjectFound: 106,
  MultipleObjectsFound: 107,
  NoApiKey: 108,
  WrongFormat: 109,
  Unauthorized: 110,
  ObjectInUse: 114,
} as const;
export type TermTimeErrorCode = (typeof TermTimeErrorCode)[keyof typeof TermTimeErrorCode];
