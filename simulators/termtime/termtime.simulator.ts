import type { Express, NextFunction, Request, Response } from 'express';
import { parseSeedJson, Simulator, type SimulatorBaseOptions } from '../common/simulator.js';
import { type SimActivity, type TermTimeSeed, termTimeSeedSchema } from './termtime-data.js';
import { fail, TermTimeFailure, termTimeStatus, TermTimeStore } from './termtime-store.js';
import {
  wireActivity,
  wireBuilding,
  wireCampus,
  wireFloor,
  wireRoom,
  wireTimeframe,
} from './termtime-wire.js';
import {
  byCode,
  createBuilding,
  createFloor,
  createRoom,
  type Params,
  updateBuilding,
  updateFloor,
  updateRoom,
} from './termtime-writes.js';

export type { TermTimeSeed } from './termtime-data.js';

/** The API's root path: TermTime serves `https://{host}/v1/api/<object>`. */
export const TERMTIME_API_PATH = '/v1/api';

export interface TermTimeSimulatorOptions extends SimulatorBaseOptions {
  /** The key of the `api` user with rights to create, edit and delete (20 letters and digits). */
  apiKey: string;
  /** A key whose user may read but not write: its writes get 401 with code 110. */
  readOnlyKey?: string;
}

/**
 * A stand-in for the Semestry TermTime API 7.7 (activities, rooms, buildings, campuses, floors,
 * timeframes) speaking its wire format, from its public reference:
 * - the key in `Authorization: k <key>` or `?key=` (the header first); none: 401 `{code: 108}`; not
 *   20 letters and digits: 400 `{code: 100}`; unknown: 400 `{code: 101}`; a read-only key writing:
 *   401 `{code: 110}`. Every error body is `{"code", "message"}` (see `termTimeStatus`).
 * - lists come whole (no pagination): `GET /activities` (with their events; `ready=Y|N`), `/rooms`,
 *   `/buildings`, `/campuses`, `/floors`, `/timeframes`, `/departments`, `/bookingtypes`; single
 *   objects at `/activity/{c}`, `/room/{c}`, `/building/{b}/{c}`, `/floor/{f}/{b}/{c}`, `/campus/{c}`.
 * - writes by query parameters (`termtime-writes.ts`): POST creates (`{code: 0, message}`), PUT
 *   updates (200, no body), `PUT /room/{c}?td=1` marks a room for deletion; `DELETE /room/{c}`.
 * Latency and faults come from `SimulatorControl`. Activities are changed in-process
 * (`setActivities`, `updateActivity`): essm-sync never writes them.
 */
export class TermTimeSimulator extends Simulator<TermTimeSeed> {
  private store = new TermTimeStore(emptySeed());
  private activitiesBody: string | undefined;
  private readonly apiKey: string;
  private readonly readOnlyKey: string | undefined;

  constructor(options: TermTimeSimulatorOptions) {
    super('termtime', options);
    this.apiKey = options.apiKey;
    this.readOnlyKey = options.readOnlyKey;
  }

  seed(data: TermTimeSeed): void {
    this.store = new TermTimeStore(data);
    this.activitiesBody = undefined;
  }

  parseSeed(json: unknown): TermTimeSeed {
    return parseSeedJson(termTimeSeedSchema, json, 'TermTime simulator');
  }

  /** A copy of everything the simulator holds now, as seed data. */
  data(): TermTimeSeed {
    return this.store.toSeed();
  }

  /** Replaces the activities (the rest stays). */
  setActivities(activities: readonly SimActivity[]): void {
    this.store.activities = structuredClone([...activities]);
    this.activitiesBody = undefined;
  }

  /** Changes one activity in place (`update` gets a copy and returns the new one, or null to remove it). */
  updateActivity(code: string, update: (activity: SimActivity) => SimActivity | null): void {
    const index = this.store.activities.findIndex((activity) => activity.code === code);
    if (index === -1) throw new Error(`TermTime simulator: no activity ${code}`);
    const changed = update(structuredClone(this.store.activities[index]));
    if (changed === null) this.store.activities.splice(index, 1);
    else this.store.activities[index] = structuredClone(changed);
    this.activitiesBody = undefined;
  }

  protected routes(app: Express): void {
    const api = TERMTIME_API_PATH;
    app.use(api, (req: Request, res: Response, next: NextFunction) => {
      try {
        const key = this.keyOf(req);
        res.locals['readOnly'] = key === this.readOnlyKey;
        if (req.method !== 'GET' && res.locals['readOnly'] === true)
          fail(110, "the 'api' user lacks the rights to change this");
        next();
      } catch (error) {
        next(error);
      }
    });
    const read = (path: string, answer: (req: Request, res: Response) => unknown) =>
      app.get(`${api}${path}`, (req, res) => respond(res, () => res.json(answer(req, res))));
    const write = (method: 'post' | 'put' | 'delete', path: string, change: (req: Request) => string) =>
      app[method](`${api}${path}`, (req, res) =>
        respond(res, () => {
          const message = change(req);
          if (method === 'post') res.json({ code: 0, message });
          else res.status(200).end();
        }),
      );
    const store = () => this.store;
    const params = (req: Request): Params => new URL(req.originalUrl, 'http://simulator').searchParams;
    const segment = (req: Request, name: string) => req.params[name] as string | undefined;

    read('/ping', () => ({ ping: 1, version: '7.7.0', database: 'simulated', user: 'api' }));
    app.get(`${api}/activities`, (req, res) => respond(res, () => this.listActivities(params(req), res)));
    read('/activity/:c', (req) => {
      const activity = store().activities.find((a) => a.code === req.params['c']);
      if (activity === undefined) fail(106, `no activity ${req.params['c'] as string}`);
      return wireActivity(
        activity as SimActivity,
        store().activityTypes.get((activity as SimActivity).typeCode),
      );
    });
    read('/rooms', () => [...store().rooms.values()].map((room) => this.wireRoomOf(room.code)));
    read('/room/:c', (req) => this.wireRoomOf(store().room(req.params['c'] as string).code));
    read('/buildings', () => [...store().buildings.values()].map((b) => this.wireBuildingOf(b.code)));
    read('/building/:b{/:c}', (req) => {
      const building = store().building(segment(req, 'b') ?? '', segment(req, 'c'), byCode(params(req)));
      return this.wireBuildingOf(building.code);
    });
    read('/campuses', () => [...store().campuses.values()].map(wireCampus));
    read('/campus/:c', (req) => {
      const key = segment(req, 'c') ?? '';
      return wireCampus(
        byCode(params(req))
          ? (store().campuses.get(key) ?? fail(106, `no campus ${key}`))
          : store().campus(key),
      );
    });
    read('/floors', () =>
      [...store().floors.values()].map((floor) => {
        const place = store().placeOfFloor(floor);
        return wireFloor(floor, place.building, place.campus);
      }),
    );
    read('/floor/:f{/:b}{/:c}', (req) => {
      const queryByCode = byCode(params(req));
      const buildingKey = segment(req, 'b');
      const building =
        queryByCode || buildingKey === undefined
          ? undefined
          : store().building(buildingKey, segment(req, 'c'), false);
      const floor = store().floor(segment(req, 'f') ?? '', building, queryByCode);
      const place = store().placeOfFloor(floor);
      return wireFloor(floor, place.building, place.campus);
    });
    read('/timeframes', () => store().timeframes.map(wireTimeframe));
    read('/departments', () =>
      [...store().departments.values()].map((d) => ({ c: d.code, n: d.name, d: '', p: '', tags: [] })),
    );
    read('/bookingtypes', () => []);

    write('post', '/building/:b/:c', (req) => {
      createBuilding(store(), segment(req, 'b') ?? '', segment(req, 'c') ?? '', params(req));
      return 'Building was created';
    });
    write('put', '/building/:b{/:c}', (req) => {
      updateBuilding(store(), segment(req, 'b') ?? '', segment(req, 'c'), params(req));
      return 'Building was updated';
    });
    write('post', '/floor/:f/:b{/:c}', (req) => {
      createFloor(store(), segment(req, 'f') ?? '', segment(req, 'b') ?? '', segment(req, 'c'), params(req));
      return 'Floor was created';
    });
    write('put', '/floor/:f{/:b}{/:c}', (req) => {
      updateFloor(store(), segment(req, 'f') ?? '', segment(req, 'b'), segment(req, 'c'), params(req));
      return 'Floor was updated';
    });
    write('post', '/room/:c', (req) => {
      createRoom(store(), segment(req, 'c') ?? '', params(req), req.body);
      return 'Room was created';
    });
    write('put', '/room/:c', (req) => {
      updateRoom(store(), segment(req, 'c') ?? '', params(req), req.body);
      return 'Room was updated';
    });
    write('delete', '/room/:c', (req) => {
      store().rooms.delete(store().room(segment(req, 'c') ?? '').code);
      return 'Room was deleted';
    });

    app.use(api, (_req: Request, res: Response) => {
      res.status(400).json({ code: 106, message: 'no such object type' });
    });
    app.use(api, (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (error instanceof TermTimeFailure) {
        res.status(termTimeStatus(error.code)).json({ code: error.code, message: error.message });
        return;
      }
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        res.status(400).json({ code: 109, message: 'the request body is not valid JSON' });
        return;
      }
      next(error);
    });
  }

  /** The key from `Authorization: k <key>`, else `?key=`; checked as TermTime checks it. */
  private keyOf(req: Request): string {
    const header = /^k\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const query = new URL(req.originalUrl, 'http://simulator').searchParams.get('key') ?? undefined;
    const key = header ?? query;
    if (key === undefined || key === '')
      return fail(108, 'no API key in the Authorization header or the query');
    if (!/^[A-Za-z0-9]{20}$/.test(key)) return fail(100, 'bad API key');
    if (key !== this.apiKey && key !== this.readOnlyKey) return fail(101, 'unrecognised API key');
    return key;
  }

  private listActivities(params: Params, res: Response): void {
    const ready = params.get('ready');
    if (ready !== null && ready !== 'Y' && ready !== 'N') fail(109, 'parameter ready must be Y or N');
    const types = this.store.activityTypes;
    if (ready !== null) {
      const wanted = ready === 'Y';
      res.json(
        this.store.activities
          .filter((activity) => activity.ready === wanted)
          .map((activity) => wireActivity(activity, types.get(activity.typeCode))),
      );
      return;
    }
    // 48,000 events are about 10 MB of JSON: built once, until the activities change.
    this.activitiesBody ??= JSON.stringify(
      this.store.activities.map((activity) => wireActivity(activity, types.get(activity.typeCode))),
    );
    res.type('application/json').send(this.activitiesBody);
  }

  private wireRoomOf(code: string) {
    const room = this.store.room(code);
    return wireRoom(
      room,
      this.store.placeOfRoom(room),
      this.store.departments.get(room.departmentCode),
      this.store.activityTypes,
    );
  }

  private wireBuildingOf(code: string) {
    const building = this.store.buildings.get(code) ?? fail(106, `no building ${code}`);
    return wireBuilding(
      building,
      this.store.campuses.get(building.campusCode) ?? fail(105, 'building without a campus'),
      this.store.floorsOf(building),
    );
  }
}

function respond(res: Response, answer: () => unknown): void {
  try {
    answer();
  } catch (error) {
    if (!(error instanceof TermTimeFailure)) throw error;
    res.status(termTimeStatus(error.code)).json({ code: error.code, message: error.message });
  }
}

function emptySeed(): TermTimeSeed {
  return {
    campuses: [],
    buildings: [],
    floors: [],
    departments: [],
    activityTypes: [],
    rooms: [],
    timeframes: [],
    activities: [],
  };
}
