import { describe, expect, it } from '@jest/globals';
import type { BookerBuilding, BookerRoom } from '../booker/booker.types.js';
import type { TermTimeBuilding, TermTimeRoom } from '../termtime/termtime.types.js';
import { planRooms, roomChangeKey, type RoomsPlanInput, roomsRefusal } from './rooms-plan.util.js';

const sci: BookerBuilding = { id: 1, code: 'SCI', name: 'Science Building', siteName: null };
const arts: BookerBuilding = { id: 2, code: 'ART', name: 'Arts Building', siteName: null };
/** A building whose name (50 characters) is longer than a room's create or move may name. */
const grand: BookerBuilding = {
  id: 3,
  code: 'GRD',
  name: 'The Very Grand and Unreasonably Long Building Name',
  siteName: null,
};

function bRoom(overrides: Partial<BookerRoom> = {}): BookerRoom {
  return {
    id: 101,
    code: 'SCI-101',
    name: 'Lecture Theatre 101',
    buildingId: 1,
    floorName: 'Ground Floor',
    capacity: 150,
    roomType: null,
    bookable: true,
    ...overrides,
  };
}

function tBuilding(overrides: Partial<TermTimeBuilding> = {}): TermTimeBuilding {
  return {
    code: 'SCI',
    name: 'Science Building',
    campusName: 'Main Campus',
    floorNames: ['Ground Floor'],
    ...overrides,
  };
}

function tRoom(overrides: Partial<TermTimeRoom> = {}): TermTimeRoom {
  return {
    code: 'SCI-101',
    name: 'Lecture Theatre 101',
    departmentCode: 'ESTATES',
    floorName: 'Ground Floor',
    floorCode: 'SCI-Ground-Floor',
    buildingName: 'Science Building',
    buildingCode: 'SCI',
    campusName: 'Main Campus',
    campusCode: 'MAIN',
    capacities: [{ typeCode: 'LEC', typeName: 'Lecture', capacity: 150 }],
    toDelete: false,
    ...overrides,
  };
}

function plan(overrides: Partial<RoomsPlanInput>) {
  return planRooms({
    bookerBuildings: [sci],
    bookerRooms: [bRoom()],
    termtimeBuildings: [tBuilding()],
    termtimeRooms: [tRoom()],
    campus: { code: 'MAIN', name: 'Main Campus' },
    knownRoomCodes: new Set(['SCI-101']),
    defaultFloor: 'Ground Floor',
    defaultDepartment: 'ESTATES',
    capacityType: 'LEC',
    ...overrides,
  });
}

type Case = [string, Partial<RoomsPlanInput>, string[]];
const cases: Case[] = [
  ['in step: nothing', {}, []],
  ['a new building is created under the campus', { bookerBuildings: [sci, arts] }, ['create_building:ART']],
  [
    'a renamed building is updated',
    { bookerBuildings: [{ ...sci, name: 'Science Hall' }] },
    ['update_building:SCI'],
  ],
  [
    'a building under another campus is moved',
    { termtimeBuildings: [tBuilding({ campusName: 'West' })] },
    ['update_building:SCI'],
  ],
  [
    'a new room is created, with a missing floor first',
    { bookerRooms: [bRoom(), bRoom({ id: 102, code: 'SCI-201', floorName: 'First Floor' })] },
    ['create_floor:SCI-First-Floor', 'create_room:SCI-201'],
  ],
  [
    'a room without a floor goes on the default floor',
    { bookerRooms: [bRoom({ floorName: null })], termtimeRooms: [] },
    ['create_room:SCI-101'],
  ],
  [
    'a room in a new building: building, floor, room',
    {
      bookerBuildings: [sci, arts],
      bookerRooms: [bRoom(), bRoom({ id: 201, code: 'ART-1', buildingId: 2 })],
    },
    ['create_building:ART', 'create_floor:ART-Ground-Floor', 'create_room:ART-1'],
  ],
  ['a renamed room is updated', { bookerRooms: [bRoom({ name: 'LT1' })] }, ['update_room:SCI-101']],
  ['a changed capacity is updated', { bookerRooms: [bRoom({ capacity: 160 })] }, ['update_room:SCI-101']],
  ['an unknown capacity changes nothing', { bookerRooms: [bRoom({ capacity: null })] }, []],
  [
    'a room that stops being bookable is marked for deletion',
    { bookerRooms: [bRoom({ bookable: false })] },
    ['mark_room:SCI-101'],
  ],
  ['a room that disappears from Booker is marked for deletion', { bookerRooms: [] }, ['mark_room:SCI-101']],
  [
    'a room already marked is not marked again',
    { bookerRooms: [], termtimeRooms: [tRoom({ toDelete: true })] },
    [],
  ],
  ['a TermTime room Booker never had is left alone', { bookerRooms: [], knownRoomCodes: new Set() }, []],
  [
    'a room both list that Booker never let anyone book is left alone',
    { bookerRooms: [bRoom({ bookable: false })], knownRoomCodes: new Set() },
    [],
  ],
  [
    'a floor named in another case is the same floor: nothing to create or re-set',
    {
      bookerRooms: [bRoom({ floorName: 'ground floor' })],
      termtimeBuildings: [tBuilding({ floorNames: ['Ground Floor'] })],
    },
    [],
  ],
  [
    'a room on a floor of another name moves to it',
    {
      bookerRooms: [bRoom({ floorName: 'First Floor' })],
      termtimeBuildings: [tBuilding({ floorNames: ['Ground Floor', 'FIRST FLOOR'] })],
    },
    ['update_room:SCI-101'],
  ],
  [
    'a non-bookable room TermTime lacks is not created',
    { bookerRooms: [bRoom({ bookable: false })], termtimeRooms: [] },
    [],
  ],
  [
    'a marked room that is bookable again is un-marked',
    { termtimeRooms: [tRoom({ toDelete: true })] },
    ['update_room:SCI-101'],
  ],
];

describe('planRooms', () => {
  it.each(cases)('%s', (_name, overrides, expected) => {
    expect(plan(overrides).changes.map(roomChangeKey)).toEqual(expected);
  });

  it('creates a room with name, floor, building, campus, department and capacity', () => {
    const result = plan({ termtimeRooms: [] });
    expect(result.changes).toEqual([
      {
        kind: 'create_room',
        code: 'SCI-101',
        input: {
          code: 'SCI-101',
          name: 'Lecture Theatre 101',
          floorName: 'Ground Floor',
          buildingName: 'Science Building',
          campusName: 'Main Campus',
          departmentCode: 'ESTATES',
          capacities: [{ typeCode: 'LEC', capacity: 150 }],
        },
      },
    ]);
  });

  it('moves a room to its new building with the floor', () => {
    const result = plan({
      bookerBuildings: [sci, arts],
      termtimeBuildings: [tBuilding(), tBuilding({ code: 'ART', name: 'Arts Building' })],
      bookerRooms: [bRoom({ buildingId: 2 })],
    });
    expect(result.changes).toEqual([
      {
        kind: 'update_room',
        code: 'SCI-101',
        input: { buildingName: 'Arts Building', campusName: 'Main Campus', floorName: 'Ground Floor' },
        changed: ['building'],
      },
    ]);
  });

  it("keeps a room's name to the 100 characters TermTime holds: created so, then unchanged", () => {
    const long = `Sir William Hardy Building ${'Lecture Theatre '.repeat(8)}One`;
    const kept = long.slice(0, 100);
    const created = plan({ bookerRooms: [bRoom({ name: long })], termtimeRooms: [] }).changes;
    expect(created.map((change) => (change.kind === 'create_room' ? change.input.name : ''))).toEqual([kept]);
    expect(
      plan({ bookerRooms: [bRoom({ name: long })], termtimeRooms: [tRoom({ name: kept })] }).changes,
    ).toEqual([]);
    // A name of 46 to 100 characters is created whole (the client sends it in two calls).
    const longish = 'Sir William Hardy Building Lecture Theatre One';
    const plain = plan({ bookerRooms: [bRoom({ name: longish })], termtimeRooms: [] }).changes;
    expect(plain.map((change) => (change.kind === 'create_room' ? change.input.name : ''))).toEqual([
      longish,
    ]);
  });

  it('leaves out a room TermTime would refuse for its building or floor name (over 45 characters), saying why', () => {
    const result = plan({
      bookerBuildings: [sci, grand],
      termtimeBuildings: [tBuilding(), tBuilding({ code: 'GRD', name: grand.name, floorNames: [] })],
      bookerRooms: [bRoom(), bRoom({ id: 301, code: 'GRD-1', buildingId: 3 })],
    });
    expect(result.changes.map(roomChangeKey)).toEqual([]);
    expect(result.skipped).toEqual([
      {
        code: 'GRD-1',
        reason: `not created: its building's name ('${grand.name}', 50 characters) is longer than the 45 characters TermTime takes for a room's building`,
      },
    ]);
  });

  it('moves a room to another floor of a building whose name is over 45 characters (the move names the floor only)', () => {
    const result = plan({
      bookerBuildings: [grand],
      termtimeBuildings: [tBuilding({ code: 'GRD', name: grand.name, floorNames: ['Ground Floor'] })],
      bookerRooms: [bRoom({ code: 'GRD-1', buildingId: 3, floorName: 'First Floor' })],
      termtimeRooms: [tRoom({ code: 'GRD-1', buildingCode: 'GRD', buildingName: grand.name })],
      knownRoomCodes: new Set(['GRD-1']),
    });
    expect(result.changes.map(roomChangeKey)).toEqual(['create_floor:GRD-First-Floor', 'update_room:GRD-1']);
    expect(result.skipped).toEqual([]);
  });

  it('updates a room whose move TermTime would refuse in all but the move, saying why', () => {
    const result = plan({
      bookerRooms: [bRoom({ name: 'LT1', floorName: 'The Mezzanine Floor Between The First And Second' })],
    });
    expect(result.changes).toEqual([
      { kind: 'update_room', code: 'SCI-101', input: { name: 'LT1' }, changed: ['name'] },
    ]);
    expect(result.skipped.map((skip) => skip.reason)).toEqual([
      expect.stringMatching(
        /^not moved: its floor's name \('The Mezzanine.*', 48 characters\) is longer than/,
      ),
    ]);
  });

  it('remembers only the bookable rooms it read', () => {
    const seen = plan({
      bookerRooms: [bRoom(), bRoom({ id: 102, code: 'SCI-102', bookable: false })],
    }).seenRoomCodes;
    expect(seen).toEqual(['SCI-101']);
  });

  it('refuses more marks than ROOMS_MAX_DELETE', () => {
    const result = plan({ bookerRooms: [] });
    expect(roomsRefusal(result, 1)).toBeNull();
    expect(roomsRefusal(result, 0)).toMatch(/1 room\(s\) to mark for deletion.*ROOMS_MAX_DELETE \(0\)/);
  });
});
