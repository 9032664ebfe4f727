import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import {
  createHttpClient,
  describeIssuePath,
  type HttpClient,
  HttpPolicy,
  isAxiosError,
  parseResponse,
  UnexpectedResponseError,
} from '@app/http';
import { TERMTIME, TermTimeError, termTimeCodeMeaning } from './termtime.errors.js';
import type {
  CreateBuildingInput,
  CreateFloorInput,
  CreateRoomInput,
  RoomCapacityInput,
  TermTimeActivity,
  TermTimeBuilding,
  TermTimeCampus,
  TermTimeFloor,
  TermTimePing,
  TermTimeRoom,
  TermTimeTimeframe,
  UpdateBuildingInput,
  UpdateFloorInput,
  UpdateRoomInput,
} from './termtime.types.js';
import { cutTo, TERMTIME_LIMITS } from './termtime.types.js';
import {
  activitiesSchema,
  activitySchema,
  buildingsSchema,
  campusesSchema,
  createdSchema,
  errorBodySchema,
  floorsSchema,
  pingSchema,
  roomsSchema,
  timeframesSchema,
} from './termtime.wire.js';

export type * from './termtime.types.js';
export { cutTo, TERMTIME_LIMITS, TermTimeErrorCode } from './termtime.types.js';
export { TermTimeError, termTimeCodeMeaning } from './termtime.errors.js';

export interface TermTimeClientOptions {
  /** TermTime's API root (`https://host/v1/api`); a bare `https://host` gets `/v1/api` added. */
  baseUrl: string;
  /** The 20-character API key, sent as `Authorization: k <key>`. Never logged. */
  apiKey: string;
  /** Per request; see `HttpPolicy` for these. */
  timeoutMs?: number;
  /** One request with its retries. */
  deadlineMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; method: string }) => void;
  /** How to wait between attempts (tests record the delays instead). */
  sleep?: (ms: number) => Promise<void>;
}

type Params = Record<string, string | number>;

/**
 * TermTime's activities (with their events), rooms, buildings, campuses, floors and timeframes,
 * and the writes of rooms, buildings and floors. Lists come whole (TermTime has no pagination).
 * Errors: `TermTimeError` with TermTime's code (`isAuthFailure`, `isNotFound`), and
 * `UnexpectedResponseError` naming the field of an answer that is not in TermTime's shape.
 *
 * Retries (`@app/http`): reads and updates (GET, PUT: repeating them is harmless) after a 429, a
 * 5xx or no answer. Creates (POST) only after a 429, which says TermTime did not process them: a
 * create whose answer was lost may have been made, and TermTime has no way to ask for it by a key
 * of ours, so it is reported failed and the next run (which reads what exists first) finishes it.
 * Safe to call concurrently.
 */
export class TermTimeClient {
  /** Timeouts, retries and the call counter of every request to TermTime. */
  readonly policy: HttpPolicy;
  private readonly http: HttpClient;

  constructor(options: TermTimeClientOptions) {
    const root = options.baseUrl.replace(/\/+$/, '').replace(/\/v1\/api$/, '');
    this.policy = new HttpPolicy({
      system: TERMTIME,
      timeoutMs: options.timeoutMs ?? 60_000,
      deadlineMs: options.deadlineMs,
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
      sleep: options.sleep,
    });
    this.http = createHttpClient({
      system: TERMTIME,
      policy: this.policy,
      baseURL: `${root}/v1/api/`,
      headers: { Authorization: `k ${options.apiKey}`, Accept: 'application/json' },
      onRetry: (info) =>
        options.onRetry?.({
          attempt: info.attempt,
          delayMs: info.delayMs,
          status: info.status,
          method: info.method,
        }),
    });
  }

  /** HTTP requests sent, retries included. */
  get calls(): number {
    return this.policy.calls;
  }

  /** The API version, database and user of the key (a cheap check of URL and key). */
  ping(): Promise<TermTimePing> {
    return this.read('ping', pingSchema, 'ping answer');
  }

  /** Every activity with its events, in one call. */
  listActivities(): Promise<TermTimeActivity[]> {
    return this.readList('activities', activitySchema, activitiesSchema, 'activities list');
  }

  listRooms(): Promise<TermTimeRoom[]> {
    return this.read('rooms', roomsSchema, 'rooms list');
  }

  listBuildings(): Promise<TermTimeBuilding[]> {
    return this.read('buildings', buildingsSchema, 'buildings list');
  }

  listCampuses(): Promise<TermTimeCampus[]> {
    return this.read('campuses', campusesSchema, 'campuses list');
  }

  listFloors(): Promise<TermTimeFloor[]> {
    return this.read('floors', floorsSchema, 'floors list');
  }

  listTimeframes(): Promise<TermTimeTimeframe[]> {
    return this.read('timeframes', timeframesSchema, 'timeframes list');
  }

  async createBuilding(input: CreateBuildingInput): Promise<void> {
    // POST /building/{name}/{campus}: the path names the new building and its campus.
    await this.create(
      `creating building ${input.code}`,
      `building/${segment(input.name)}/${segment(input.campus)}`,
      {
        code: input.code,
      },
    );
  }

  /** Updates the building with this code. */
  async updateBuilding(code: string, input: UpdateBuildingInput): Promise<void> {
    await this.update(`updating building ${code}`, `building/${segment(code)}`, {
      queryBy: 'Code',
      ...defined({ n: input.name, camp: input.campus }),
    });
  }

  async createFloor(input: CreateFloorInput): Promise<void> {
    await this.create(
      `creating floor ${input.code}`,
      `floor/${segment(input.name)}/${segment(input.buildingCode)}/${segment(input.campusCode)}`,
      { code: input.code, queryBy: 'Code' },
    );
  }

  /** Updates the floor with this code. */
  async updateFloor(code: string, input: UpdateFloorInput): Promise<void> {
    await this.update(`updating floor ${code}`, `floor/${segment(code)}`, {
      queryBy: 'Code',
      ...defined({ n: input.name, build: input.buildingCode }),
    });
  }

  /**
   * Creates the room. TermTime takes a new room's name up to TERMTIME_LIMITS.newRoomName characters
   * (a room's name up to TERMTIME_LIMITS.roomName when updating it): a longer name is sent cut, then
   * set whole by an update (two calls).
   */
  async createRoom(input: CreateRoomInput): Promise<void> {
    const long = input.name.length > TERMTIME_LIMITS.newRoomName;
    await this.create(
      `creating room ${input.code}`,
      `room/${segment(input.code)}`,
      {
        n: long ? cutTo(input.name, TERMTIME_LIMITS.newRoomName) : input.name,
        f: input.floorName,
        b: input.buildingName,
        cam: input.campusName,
        dc: input.departmentCode,
      },
      capacitiesBody(input.capacities),
    );
    if (long) await this.updateRoom(input.code, { name: input.name });
  }

  /** Updates the room with this code (only the fields given). */
  async updateRoom(code: string, input: UpdateRoomInput): Promise<void> {
    await this.update(
      `updating room ${code}`,
      `room/${segment(code)}`,
      defined({
        n: input.name,
        f: input.floorName,
        b: input.buildingName,
        cam: input.campusName,
        // TermTime's PUT names the department `dn` where its POST says `dc`.
        dn: input.departmentCode,
        td: input.toDelete === false ? 0 : undefined,
      }),
      input.capacities === undefined ? undefined : capacitiesBody(input.capacities),
    );
  }

  /** Marks the room for deletion (`td=1`); TermTime keeps it until someone deletes it there. */
  async markRoomForDeletion(code: string): Promise<void> {
    await this.update(`marking room ${code} for deletion`, `room/${segment(code)}`, { td: 1 });
  }

  private async read<S extends z.ZodType>(path: string, schema: S, response: string): Promise<z.output<S>> {
    const answer = await this.send(`reading the ${response}`, () => this.http.get<unknown>(path));
    return parseResponse(schema, answer.data, { system: TERMTIME, response, status: answer.status });
  }

  /**
   * A long list (a term's activities: tens of thousands of events), parsed item by item, each raw
   * item let go once parsed: the answer, zod's copy and the result are never all whole at once.
   * The first malformed item throws as `read` would, naming `[index].field`.
   */
  private async readList<S extends z.ZodType>(
    path: string,
    itemSchema: S,
    listSchema: z.ZodType,
    response: string,
  ): Promise<z.output<S>[]> {
    // A term's activities are about 10 MB of JSON: decoded as they arrive (see decodeAsReceived).
    const answer = await this.send(`reading the ${response}`, () =>
      this.http.get<unknown>(path, { decodeAsReceived: true }),
    );
    const where = { system: TERMTIME, response, status: answer.status };
    const items: unknown = answer.data;
    if (!Array.isArray(items)) {
      parseResponse(listSchema, items, where);
      throw new UnexpectedResponseError(TERMTIME, response, '(top level)', ['not a list'], answer.status);
    }
    const parsed: z.output<S>[] = new Array<z.output<S>>(items.length);
    for (let index = 0; index < items.length; index++) {
      const result = itemSchema.safeParse(items[index]);
      if (!result.success) {
        const issues = result.error.issues.slice(0, 10);
        const problems = issues.map(
          (issue) => `${describeIssuePath([index, ...issue.path])}: ${issue.message}`,
        );
        throw new UnexpectedResponseError(
          TERMTIME,
          response,
          describeIssuePath([index, ...(issues[0]?.path ?? [])]),
          problems,
          answer.status,
        );
      }
      parsed[index] = result.data;
      items[index] = undefined;
    }
    return parsed;
  }

  private async create(operation: string, path: string, params: Params, body?: unknown): Promise<void> {
    const answer = await this.send(operation, () => this.http.post<unknown>(path, body, { params }));
    parseResponse(createdSchema, answer.data, {
      system: TERMTIME,
      response: `answer to ${operation}`,
      status: answer.status,
    });
  }

  private async update(operation: string, path: string, params: Params, body?: unknown): Promise<void> {
    await this.send(operation, () => this.http.put<unknown>(path, body, { params }));
  }

  private async send(
    operation: string,
    request: () => Promise<AxiosResponse<unknown>>,
  ): Promise<AxiosResponse<unknown>> {
    try {
      return await request();
    } catch (error) {
      throw termTimeError(operation, error);
    }
  }
}

function segment(value: string): string {
  if (value === '') throw new RangeError('TermTime: a path segment (code or name) must not be empty');
  return encodeURIComponent(value);
}

function defined(params: Record<string, string | number | undefined>): Params {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as Params;
}

function capacitiesBody(capacities: readonly RoomCapacityInput[]): { code: string; val: number }[] {
  return capacities.map((capacity) => ({ code: capacity.typeCode, val: capacity.capacity }));
}

/**
 * A TermTimeError from a failed request: TermTime's code and message when its body has them, else
 * the HTTP status or the network error. The AxiosError is not kept as the cause: its config holds
 * the key.
 */
function termTimeError(operation: string, error: unknown): TermTimeError {
  if (!isAxiosError(error)) {
    return new TermTimeError(
      operation,
      error instanceof Error ? error.message : String(error),
      undefined,
      undefined,
      {
        cause: error,
      },
    );
  }
  const status = error.response?.status;
  if (status === undefined) {
    return new TermTimeError(
      operation,
      `no answer (${error.code ?? 'network error'})`,
      undefined,
      undefined,
      {
        cause: new Error(`${error.code ?? 'ERR'}: ${error.message}`),
      },
    );
  }
  const body = errorBodySchema.safeParse(error.response?.data);
  if (!body.success) return new TermTimeError(operation, `HTTP ${status}`, status);
  const { code, message } = body.data;
  const said = message === undefined || message === '' ? '' : `: ${message}`;
  return new TermTimeError(
    operation,
    `HTTP ${status}, code ${code} (${termTimeCodeMeaning(code)})${said}`,
    status,
    code,
  );
}
