import type { BookerBuilding, BookerRoom } from '../booker/booker.types.js';
import type {
  CreateBuildingInput,
  CreateFloorInput,
  CreateRoomInput,
  TermTimeBuilding,
  TermTimeCampus,
  TermTimeRoom,
  UpdateBuildingInput,
  UpdateRoomInput,
} from '../termtime/termtime.types.js';
import { cutTo, TERMTIME_LIMITS } from '../termtime/termtime.types.js';

/** A call the rooms plan makes to TermTime, applied in this order of kinds. */
export type RoomChange =
  | { kind: 'create_building'; code: string; input: CreateBuildingInput }
  | {
      kind: 'update_building';
      code: string;
      input: UpdateBuildingInput;
      before: { name: string; campus: string };
    }
  | { kind: 'create_floor'; code: string; input: CreateFloorInput }
  | { kind: 'create_room'; code: string; input: CreateRoomInput }
  | { kind: 'update_room'; code: string; input: UpdateRoomInput; changed: string[] }
  | { kind: 'mark_room'; code: string; why: 'not_bookable' | 'gone_from_booker' };

export const ROOM_CHANGE_ORDER: readonly RoomChange['kind'][] = [
  'create_building',
  'update_building',
  'create_floor',
  'create_room',
  'update_room',
  'mark_room',
];

export interface RoomsPlanInput {
  bookerBuildings: readonly BookerBuilding[];
  bookerRooms: readonly BookerRoom[];
  termtimeBuildings: readonly TermTimeBuilding[];
  termtimeRooms: readonly TermTimeRoom[];
  /** The configured campus, as TermTime has it. */
  campus: TermTimeCampus;
  /** Codes of rooms Booker had on an earlier run: only those may be marked when they disappear. */
  knownRoomCodes: ReadonlySet<string>;
  defaultFloor: string;
  defaultDepartment: string;
  /** The activity type code Booker's capacity is written under. */
  capacityType: string;
}

export interface RoomSkip {
  code: string;
  reason: string;
}

export interface RoomsPlan {
  changes: RoomChange[];
  skipped: RoomSkip[];
  counts: {
    bookerBuildings: number;
    bookerRooms: number;
    bookable: number;
    unchanged: number;
    createBuildings: number;
    updateBuildings: number;
    createFloors: number;
    createRooms: number;
    updateRooms: number;
    markRooms: number;
    /** TermTime rooms Booker never had: left alone. */
    notOurs: number;
  };
  /**
   * Every bookable Booker room code read: remembered, so that a later run marks such a room when it
   * disappears from Booker or stops being bookable, and leaves alone rooms never bookable.
   */
  seenRoomCodes: string[];
}

function floorKey(name: string): string {
  return name.toLowerCase();
}

/** Floor codes are unique across TermTime: `<building code>-<floor name>`, at most 45 characters. */
export function floorCode(buildingCode: string, floorName: string): string {
  return `${buildingCode}-${floorName.replace(/\s+/g, '-')}`.slice(0, 45);
}

/** Which of the place names a room's create or update sends TermTime would refuse as too long, said; or null. */
function placesTooLong(places: readonly [kind: string, name: string][]): string | null {
  const max = TERMTIME_LIMITS.roomPlaceName;
  const long = places.filter(([, value]) => value.length > max);
  if (long.length === 0) return null;
  const what = long.map(([kind, value]) => `its ${kind}'s name ('${value}', ${value.length} characters)`);
  return `${what.join(' and ')} is longer than the ${max} characters TermTime takes for a room's ${long.length === 1 ? long[0][0] : 'places'}`;
}

/**
 * Booker's buildings and bookable rooms as TermTime should have them: buildings by code under the
 * configured campus (created or renamed/moved), floors created when missing, rooms by code
 * (created with name, floor, building, campus, department and capacity; changed names, buildings,
 * floors and capacities updated), rooms gone from Booker or no longer bookable marked for deletion
 * (never deleted), rooms TermTime has that Booker never had left alone.
 */
export function planRooms(input: RoomsPlanInput): RoomsPlan {
  const changes: RoomChange[] = [];
  const skipped: RoomSkip[] = [];
  const campus = input.campus;
  const ttBuildings = new Map(input.termtimeBuildings.map((b) => [b.code, b]));
  // Floor names are matched as TermTime matches them, regardless of case ("Ground floor" is the
  // floor "Ground Floor"): a floor differing only in case is neither created again nor re-set.
  const floorsOf = new Map<string, Set<string>>(
    input.termtimeBuildings.map((b) => [b.code, new Set(b.floorNames.map(floorKey))]),
  );
  const bookerBuildings = new Map(input.bookerBuildings.map((b) => [b.id, b]));

  for (const building of input.bookerBuildings) {
    const existing = ttBuildings.get(building.code);
    if (existing === undefined) {
      changes.push({
        kind: 'create_building',
        code: building.code,
        input: { code: building.code, name: building.name, campus: campus.code },
      });
      floorsOf.set(building.code, new Set());
      continue;
    }
    const update: UpdateBuildingInput = {};
    if (existing.name !== building.name) update.name = building.name;
    if (existing.campusName !== campus.name) update.campus = campus.code;
    if (Object.keys(update).length > 0) {
      changes.push({
        kind: 'update_building',
        code: building.code,
        input: update,
        before: { name: existing.name, campus: existing.campusName },
      });
    }
  }

  const ttRooms = new Map(input.termtimeRooms.map((room) => [room.code, room]));
  const bookerCodes = new Set(input.bookerRooms.map((room) => room.code));
  const floorChanges = new Map<string, RoomChange>();
  let unchanged = 0;
  let bookable = 0;
  for (const room of input.bookerRooms) {
    const existing = ttRooms.get(room.code);
    if (!room.bookable) {
      // Only a room that stopped being bookable: one seen bookable by an earlier run. A room both
      // systems list that Booker never let anyone book is not ours to mark.
      if (existing !== undefined && !existing.toDelete && input.knownRoomCodes.has(room.code)) {
        changes.push({ kind: 'mark_room', code: room.code, why: 'not_bookable' });
      }
      continue;
    }
    bookable += 1;
    const building = bookerBuildings.get(room.buildingId);
    if (building === undefined) {
      skipped.push({
        code: room.code,
        reason: `its building (Booker id ${room.buildingId}) is not in Booker's list`,
      });
      continue;
    }
    const floorName = room.floorName ?? input.defaultFloor;
    // A room's create, and a move to another building, name its floor, building and campus; a move
    // to another floor names the floor. TermTime takes such names of at most 45 characters: a room
    // that would need a longer one there is not created, or not moved, said why.
    const buildingMove = existing !== undefined && existing.buildingCode !== building.code;
    const floorMove =
      existing !== undefined &&
      !buildingMove &&
      (existing.floorName === null || floorKey(existing.floorName) !== floorKey(floorName));
    const places: [string, string][] =
      existing === undefined || buildingMove
        ? [
            ['floor', floorName],
            ['building', building.name],
            ['campus', campus.name],
          ]
        : floorMove
          ? [['floor', floorName]]
          : [];
    const tooLong = placesTooLong(places);
    if (tooLong !== null) {
      skipped.push({
        code: room.code,
        reason: `${existing === undefined ? 'not created' : 'not moved'}: ${tooLong}`,
      });
      if (existing === undefined) continue;
    }
    const movable = tooLong === null;
    const floors = floorsOf.get(building.code) ?? new Set<string>();
    if (movable && !floors.has(floorKey(floorName))) {
      const code = floorCode(building.code, floorName);
      floors.add(floorKey(floorName));
      floorsOf.set(building.code, floors);
      floorChanges.set(code, {
        kind: 'create_floor',
        code,
        input: { code, name: floorName, buildingCode: building.code, campusCode: campus.code },
      });
    }
    const capacities =
      room.capacity === null ? [] : [{ typeCode: input.capacityType, capacity: room.capacity }];
    // TermTime keeps a room's name to 100 characters: a longer one is sent (and compared) cut.
    const name = cutTo(room.name, TERMTIME_LIMITS.roomName);
    if (existing === undefined) {
      changes.push({
        kind: 'create_room',
        code: room.code,
        input: {
          code: room.code,
          name,
          floorName,
          buildingName: building.name,
          campusName: campus.name,
          departmentCode: input.defaultDepartment,
          capacities,
        },
      });
      continue;
    }
    const update: UpdateRoomInput = {};
    const changed: string[] = [];
    if (existing.name !== name) {
      update.name = name;
      changed.push('name');
    }
    // (A move TermTime would refuse is skipped, said above; the rest is updated.)
    if (movable && buildingMove) {
      update.buildingName = building.name;
      update.campusName = campus.name;
      update.floorName = floorName;
      changed.push('building');
    } else if (movable && floorMove) {
      update.floorName = floorName;
      changed.push('floor');
    }
    if (room.capacity !== null) {
      const current = existing.capacities.find((c) => c.typeCode === input.capacityType)?.capacity;
      if (current !== room.capacity) {
        update.capacities = capacities;
        changed.push('capacity');
      }
    }
    if (existing.toDelete) {
      update.toDelete = false;
      changed.push('unmarked');
    }
    if (changed.length === 0) unchanged += 1;
    else changes.push({ kind: 'update_room', code: room.code, input: update, changed });
  }
  for (const room of input.termtimeRooms) {
    if (bookerCodes.has(room.code) || room.toDelete || !input.knownRoomCodes.has(room.code)) continue;
    changes.push({ kind: 'mark_room', code: room.code, why: 'gone_from_booker' });
  }
  changes.push(...floorChanges.values());
  const order = (change: RoomChange) => ROOM_CHANGE_ORDER.indexOf(change.kind);
  changes.sort((a, b) => order(a) - order(b) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const count = (kind: RoomChange['kind']) => changes.filter((change) => change.kind === kind).length;
  return {
    changes,
    skipped,
    counts: {
      bookerBuildings: input.bookerBuildings.length,
      bookerRooms: input.bookerRooms.length,
      bookable,
      unchanged,
      createBuildings: count('create_building'),
      updateBuildings: count('update_building'),
      createFloors: count('create_floor'),
      createRooms: count('create_room'),
      updateRooms: count('update_room'),
      markRooms: count('mark_room'),
      notOurs: input.termtimeRooms.filter(
        (room) => !bookerCodes.has(room.code) && !input.knownRoomCodes.has(room.code),
      ).length,
    },
    seenRoomCodes: input.bookerRooms
      .filter((room) => room.bookable)
      .map((room) => room.code)
      .sort(),
  };
}

export function roomChangeKey(change: RoomChange): string {
  return `${change.kind}:${change.code}`;
}

/** `sync-rooms` refuses to mark more rooms than ROOMS_MAX_DELETE. */
export function roomsRefusal(plan: RoomsPlan, maxDelete: number): string | null {
  const marks = plan.counts.markRooms;
  return marks > maxDelete
    ? `${marks} room(s) to mark for deletion in TermTime, more than ROOMS_MAX_DELETE (${maxDelete})`
    : null;
}
