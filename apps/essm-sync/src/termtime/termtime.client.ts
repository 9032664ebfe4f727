import { HttpPolicy } from '@app/http';
import { TERMTIME } from './termtime.errors.js';
import type {
  CreateBuildingInput,
  CreateFloorInput,
  CreateRoomInput,
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

export type * from './termtime.types.js';
export { TermTimeErrorCode } from './termtime.types.js';
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
}

/**
 * TermTime's activities (with their events), rooms, buildings, campuses, floors and timeframes,
 * and the writes of rooms, buildings and floors. Lists come whole (TermTime has no pagination).
 * Errors: `TermTimeError` with TermTime's code (`isAuthFailure`, `isNotFound`), and
 * `UnexpectedResponseError` naming the field of an answer that is not in TermTime's shape.
 */
export class TermTimeClient {
  /** Timeouts, retries and the call counter of every request to TermTime. */
  readonly policy: HttpPolicy;

  constructor(options: TermTimeClientOptions) {
    this.policy = new HttpPolicy({ system: TERMTIME, timeoutMs: options.timeoutMs });
  }

  /** HTTP requests sent, retries included. */
  get calls(): number {
    return this.policy.calls;
  }

  /** The API version, database and user of the key (a cheap check of URL and key). */
  ping(): Promise<TermTimePing> {
    throw new Error('not implemented');
  }

  /** Every activity with its events, in one call. */
  listActivities(): Promise<TermTimeActivity[]> {
    throw new Error('not implemented');
  }

  listRooms(): Promise<TermTimeRoom[]> {
    throw new Error('not implemented');
  }

  listBuildings(): Promise<TermTimeBuilding[]> {
    throw new Error('not implemented');
  }

  listCampuses(): Promise<TermTimeCampus[]> {
    throw new Error('not implemented');
  }

  listFloors(): Promise<TermTimeFloor[]> {
    throw new Error('not implemented');
  }

  listTimeframes(): Promise<TermTimeTimeframe[]> {
    throw new Error('not implemented');
  }

  createBuilding(_input: CreateBuildingInput): Promise<void> {
    throw new Error('not implemented');
  }

  /** Updates the building with this code. */
  updateBuilding(_code: string, _input: UpdateBuildingInput): Promise<void> {
    throw new Error('not implemented');
  }

  createFloor(_input: CreateFloorInput): Promise<void> {
    throw new Error('not implemented');
  }

  /** Updates the floor with this code. */
  updateFloor(_code: string, _input: UpdateFloorInput): Promise<void> {
    throw new Error('not implemented');
  }

  createRoom(_input: CreateRoomInput): Promise<void> {
    throw new Error('not implemented');
  }

  /** Updates the room with this code (only the fields given). */
  updateRoom(_code: string, _input: UpdateRoomInput): Promise<void> {
    throw new Error('not implemented');
  }

  /** Marks the room for deletion (`td=1`); TermTime keeps it until someone deletes it there. */
  markRoomForDeletion(_code: string): Promise<void> {
    throw new Error('not implemented');
  }
}
