import type { SimTermTimeRoom } from './termtime-data.js';
import { fail, type TermTimeStore } from './termtime-store.js';

/**
 * TermTime's writes of buildings, floors and rooms, as the reference describes them: every input
 * is a query parameter (path segments name the object), only room capacities come as a JSON body
 * `[{"code": <activity type code>, "val": <capacity>}]`. A missing parameter is 102, a wrong one 109,
 * an unknown object 106, an ambiguous (or already taken) one 107.
 */

export type Params = URLSearchParams;

function text(params: Params, name: string, max: number, required: boolean): string | undefined {
  const value = params.get(name);
  if (value === null || value === '') {
    if (required) fail(102, `mandatory parameter ${name} is missing`);
    return undefined;
  }
  if (value.length > max) fail(109, `parameter ${name} is longer than ${max} characters`);
  return value;
}

export const requiredParam = (params: Params, name: string, max: number): string =>
  text(params, name, max, true) as string;
export const optionalParam = (params: Params, name: string, max: number): string | undefined =>
  text(params, name, max, false);

/** `queryBy`: `Code` or `Name` (the default), in any case; anything else is 109. */
export function byCode(params: Params): boolean {
  const queryBy = params.get('queryBy');
  if (queryBy === null || /^name$/i.test(queryBy)) return false;
  if (/^code$/i.test(queryBy)) return true;
  return fail(109, 'parameter queryBy must be Name or Code');
}

function zeroOrOne(params: Params, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (value !== '0' && value !== '1') fail(109, `parameter ${name} must be 0 or 1`);
  return value === '1';
}

/** The capacities body: `[{"code": "LEC", "val": 120}]` (absent or empty: none). */
function capacities(store: TermTimeStore, body: unknown): SimTermTimeRoom['capacities'] | undefined {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0))
    return undefined;
  if (!Array.isArray(body)) return fail(109, 'the body must be an array of {code, val}');
  return body.map((entry: unknown, index) => {
    const { code, val } = (entry ?? {}) as { code?: unknown; val?: unknown };
    if (typeof code !== 'string' || code === '') return fail(102, `body[${index}].code is missing`);
    if (typeof val !== 'number' || !Number.isInteger(val) || val < 0)
      return fail(109, `body[${index}].val must be a whole number of 0 or more`);
    store.activityType(code);
    return { typeCode: code, cap: val };
  });
}

function assertNewCode(taken: boolean, what: string, code: string): void {
  if (taken) fail(107, `a ${what} with code ${code} already exists`);
}

/** `POST /building/{b}/{c}`: `b` the new building's name, `c` its campus (name or code); `*code`. */
export function createBuilding(store: TermTimeStore, name: string, campusKey: string, params: Params): void {
  const code = requiredParam(params, 'code', 45);
  if (name.length > 100) fail(109, 'the building name is longer than 100 characters');
  const campus = store.campus(campusKey);
  assertNewCode(store.buildings.has(code), 'building', code);
  store.buildings.set(code, { code, name, campusCode: campus.code });
}

/** `PUT /building/{b}/{c}`: `n` (new name), `code` (new code), `camp` (campus to move to). */
export function updateBuilding(
  store: TermTimeStore,
  key: string,
  campusKey: string | undefined,
  params: Params,
): void {
  const building = store.building(key, campusKey, byCode(params));
  const name = optionalParam(params, 'n', 100);
  const code = optionalParam(params, 'code', 45);
  const camp = optionalParam(params, 'camp', 45);
  const campus = camp === undefined ? undefined : store.campus(camp);
  if (code !== undefined && code !== building.code) {
    assertNewCode(store.buildings.has(code), 'building', code);
    store.buildings.delete(building.code);
    for (const floor of store.floorsOf(building)) floor.buildingCode = code;
    building.code = code;
    store.buildings.set(code, building);
  }
  if (name !== undefined) building.name = name;
  if (campus !== undefined) building.campusCode = campus.code;
}

/** `POST /floor/{f}/{b}/{c}`: `f` the new floor's name, `b`/`c` its building and campus; `*code`. */
export function createFloor(
  store: TermTimeStore,
  name: string,
  buildingKey: string,
  campusKey: string | undefined,
  params: Params,
): void {
  const code = requiredParam(params, 'code', 45);
  if (name.length > 100) fail(109, 'the floor name is longer than 100 characters');
  const building = store.building(buildingKey, campusKey, byCode(params));
  assertNewCode(store.floors.has(code), 'floor', code);
  if (store.floorsOf(building).some((floor) => floor.name.toLowerCase() === name.toLowerCase()))
    fail(107, `building ${building.name} already has a floor called ${name}`);
  store.floors.set(code, { code, name, buildingCode: building.code });
}

/** `PUT /floor/{f}/{b}/{c}`: `n` (new name), `code` (new code), `build` (building to move to). */
export function updateFloor(
  store: TermTimeStore,
  key: string,
  buildingKey: string | undefined,
  campusKey: string | undefined,
  params: Params,
): void {
  const queryByCode = byCode(params);
  const building =
    queryByCode || buildingKey === undefined ? undefined : store.building(buildingKey, campusKey, false);
  const floor = store.floor(key, building, queryByCode);
  const name = optionalParam(params, 'n', 100);
  const code = optionalParam(params, 'code', 45);
  const build = optionalParam(params, 'build', 45);
  const target = build === undefined ? undefined : store.buildingByNameOrCode(build);
  if (code !== undefined && code !== floor.code) {
    assertNewCode(store.floors.has(code), 'floor', code);
    store.floors.delete(floor.code);
    for (const room of store.rooms.values()) if (room.floorCode === floor.code) room.floorCode = code;
    floor.code = code;
    store.floors.set(code, floor);
  }
  if (name !== undefined) floor.name = name;
  if (target !== undefined) floor.buildingCode = target.code;
}

/** The floor called `floorName` in the building called `buildingName` on the campus called `campusName`. */
function placeByNames(store: TermTimeStore, floorName: string, buildingName: string, campusName: string) {
  const building = store.building(buildingName, campusName, false);
  return store.floor(floorName, building, false);
}

/** `POST /room/{c}`: `*n` (≤45), `*f`, `*b`, `*cam` (names), `*dc`; body: capacities. */
export function createRoom(store: TermTimeStore, code: string, params: Params, body: unknown): void {
  if (code.length > 45) fail(109, 'the room code is longer than 45 characters');
  const name = requiredParam(params, 'n', 45);
  const floorName = requiredParam(params, 'f', 45);
  const buildingName = requiredParam(params, 'b', 45);
  const campusName = requiredParam(params, 'cam', 45);
  const departmentCode = requiredParam(params, 'dc', 255);
  const caps = capacities(store, body) ?? [];
  const floor = placeByNames(store, floorName, buildingName, campusName);
  store.department(departmentCode);
  assertNewCode(store.rooms.has(code), 'room', code);
  store.rooms.set(code, {
    code,
    name,
    floorCode: floor.code,
    departmentCode,
    capacities: caps,
    toDelete: false,
  });
}

/**
 * `PUT /room/{c}`: `n` (≤100), `f`, `b`, `cam` (names; those not given stay as they are), `dn`
 * (department code), `td` (1: mark for deletion, 0: unmark); body: capacities, replacing the
 * capacity of each type listed.
 */
export function updateRoom(store: TermTimeStore, code: string, params: Params, body: unknown): void {
  const room = store.room(code);
  const name = optionalParam(params, 'n', 100);
  const floorName = optionalParam(params, 'f', 45);
  const buildingName = optionalParam(params, 'b', 45);
  const campusName = optionalParam(params, 'cam', 45);
  const departmentCode = optionalParam(params, 'dn', 255);
  const toDelete = zeroOrOne(params, 'td');
  const caps = capacities(store, body);
  let floorCode = room.floorCode;
  if (floorName !== undefined || buildingName !== undefined || campusName !== undefined) {
    const place = store.placeOfRoom(room);
    floorCode = placeByNames(
      store,
      floorName ?? place.floor.name,
      buildingName ?? place.building.name,
      campusName ?? place.campus.name,
    ).code;
  }
  if (departmentCode !== undefined) store.department(departmentCode);
  room.floorCode = floorCode;
  if (name !== undefined) room.name = name;
  if (departmentCode !== undefined) room.departmentCode = departmentCode;
  if (toDelete !== undefined) room.toDelete = toDelete;
  for (const capacity of caps ?? []) {
    const existing = room.capacities.find((entry) => entry.typeCode === capacity.typeCode);
    if (existing === undefined) room.capacities.push(capacity);
    else existing.cap = capacity.cap;
  }
}
