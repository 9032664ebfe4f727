import { SeedError } from '../common/simulator.js';
import type {
  SimActivity,
  SimActivityType,
  SimBuilding,
  SimCampus,
  SimDepartment,
  SimFloor,
  SimTermTimeRoom,
  SimTimeframe,
  TermTimeSeed,
} from './termtime-data.js';
import type { RoomPlace } from './termtime-wire.js';

/** A TermTime error: its code (100-114) and message; `termTimeStatus` gives the HTTP status. */
export class TermTimeFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TermTimeFailure';
  }
}

/**
 * The HTTP status of a TermTime error code. The reference lists 400, 401 and 500 without saying
 * which code goes with which; this is its reasonable reading: key and rights problems 401,
 * no database and internal errors 500, the rest (bad key, parameters, objects) 400.
 */
export function termTimeStatus(code: number): number {
  if (code === 108 || code === 110) return 401;
  if (code === 104 || code === 105) return 500;
  return 400;
}

export const fail = (code: number, message: string): never => {
  throw new TermTimeFailure(code, message);
};

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The simulator's data with its look-ups: by code, or by name as TermTime's paths allow. */
export class TermTimeStore {
  readonly campuses = new Map<string, SimCampus>();
  readonly buildings = new Map<string, SimBuilding>();
  readonly floors = new Map<string, SimFloor>();
  readonly departments = new Map<string, SimDepartment>();
  readonly activityTypes = new Map<string, SimActivityType>();
  readonly rooms = new Map<string, SimTermTimeRoom>();
  readonly timeframes: SimTimeframe[];
  activities: SimActivity[];

  constructor(seed: TermTimeSeed) {
    const copy = structuredClone(seed);
    const unique = <T extends { code: string }>(what: string, items: T[], into: Map<string, T>) => {
      for (const item of items) {
        if (into.has(item.code)) throw new SeedError(`TermTime simulator seed: ${what} ${item.code} twice`);
        into.set(item.code, item);
      }
    };
    unique('campus', copy.campuses, this.campuses);
    unique('building', copy.buildings, this.buildings);
    unique('floor', copy.floors, this.floors);
    unique('department', copy.departments, this.departments);
    unique('activity type', copy.activityTypes, this.activityTypes);
    unique('room', copy.rooms, this.rooms);
    this.timeframes = copy.timeframes;
    this.activities = copy.activities;
    const missing = (what: string, owner: string, target: string) =>
      new SeedError(`TermTime simulator seed: ${owner} names ${what} ${target}, which is not in the seed`);
    for (const building of this.buildings.values())
      if (!this.campuses.has(building.campusCode))
        throw missing('campus', `building ${building.code}`, building.campusCode);
    for (const floor of this.floors.values())
      if (!this.buildings.has(floor.buildingCode))
        throw missing('building', `floor ${floor.code}`, floor.buildingCode);
    for (const room of this.rooms.values()) {
      if (!this.floors.has(room.floorCode)) throw missing('floor', `room ${room.code}`, room.floorCode);
      if (!this.departments.has(room.departmentCode))
        throw missing('department', `room ${room.code}`, room.departmentCode);
    }
  }

  toSeed(): TermTimeSeed {
    return structuredClone({
      campuses: [...this.campuses.values()],
      buildings: [...this.buildings.values()],
      floors: [...this.floors.values()],
      departments: [...this.departments.values()],
      activityTypes: [...this.activityTypes.values()],
      rooms: [...this.rooms.values()],
      timeframes: this.timeframes,
      activities: this.activities,
    });
  }

  placeOfFloor(floor: SimFloor): RoomPlace {
    const building = this.buildings.get(floor.buildingCode) as SimBuilding;
    return { floor, building, campus: this.campuses.get(building.campusCode) as SimCampus };
  }

  placeOfRoom(room: SimTermTimeRoom): RoomPlace {
    return this.placeOfFloor(this.floors.get(room.floorCode) as SimFloor);
  }

  floorsOf(building: SimBuilding): SimFloor[] {
    return [...this.floors.values()].filter((floor) => floor.buildingCode === building.code);
  }

  /** The campus with this name, else this code (TermTime's write paths take either). */
  campus(nameOrCode: string): SimCampus {
    const byName = [...this.campuses.values()].filter((campus) => same(campus.name, nameOrCode));
    if (byName.length > 1) fail(107, `more than one campus is called ${nameOrCode}`);
    return byName[0] ?? this.campuses.get(nameOrCode) ?? fail(106, `no campus ${nameOrCode}`);
  }

  /** `queryBy=Code`: the building with code `key`; else by name, within the campus when given. */
  building(key: string, campus: string | undefined, byCode: boolean): SimBuilding {
    if (byCode) return this.buildings.get(key) ?? fail(106, `no building with code ${key}`);
    const inCampus = campus === undefined ? undefined : this.campus(campus);
    const found = [...this.buildings.values()].filter(
      (building) =>
        same(building.name, key) && (inCampus === undefined || building.campusCode === inCampus.code),
    );
    if (found.length > 1) fail(107, `more than one building is called ${key}`);
    return found[0] ?? fail(106, `no building called ${key}${campus === undefined ? '' : ` on ${campus}`}`);
  }

  /** A building named by name or by code (write parameters such as `build`). */
  buildingByNameOrCode(key: string): SimBuilding {
    const byName = [...this.buildings.values()].filter((building) => same(building.name, key));
    if (byName.length > 1) fail(107, `more than one building is called ${key}`);
    return byName[0] ?? this.buildings.get(key) ?? fail(106, `no building ${key}`);
  }

  /** `queryBy=Code`: the floor with code `key`; else the floor called `key` in that building. */
  floor(key: string, building: SimBuilding | undefined, byCode: boolean): SimFloor {
    if (byCode) return this.floors.get(key) ?? fail(106, `no floor with code ${key}`);
    const found = [...this.floors.values()].filter(
      (floor) => same(floor.name, key) && (building === undefined || floor.buildingCode === building.code),
    );
    if (found.length > 1) fail(107, `more than one floor is called ${key}`);
    return found[0] ?? fail(106, `no floor called ${key}${building ? ` in ${building.name}` : ''}`);
  }

  room(code: string): SimTermTimeRoom {
    return this.rooms.get(code) ?? fail(106, `no room ${code}`);
  }

  department(code: string): SimDepartment {
    return this.departments.get(code) ?? fail(106, `no department ${code}`);
  }

  activityType(code: string): SimActivityType {
    return this.activityTypes.get(code) ?? fail(106, `no activity type ${code}`);
  }
}
