import { Injectable } from '@nestjs/common';
import { EllaDatabases } from '../ella-db/ella-databases.js';
import { InstanceRegistry } from '../instances/instance-registry.js';
import type {
  UiExceptionGroup,
  UiExceptionsQuery,
  UiExceptionsView,
  UiExceptionView,
} from './ui-exception.types.js';

const DEFAULT_SPAN_MS = 7 * 24 * 3600_000;

interface ExceptionRow {
  id: number;
  time: Date;
  message: string;
  location: string | null;
  stacktrace?: string | null;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
}

interface GroupRow {
  message: string;
  count: number;
  first_seen: Date;
  last_seen: Date;
  users: number;
}

/**
 * ELLA's `uiexception` rows: newest first in a time range, and grouped by message. Every query names
 * its columns: `state` (the front end's whole state, which may hold patient data) is never selected,
 * so it can be neither shown nor logged; the stack trace only when asked for.
 */
@Injectable()
export class UiExceptionsService {
  constructor(
    private readonly registry: InstanceRegistry,
    private readonly databases: EllaDatabases,
  ) {}

  async list(name: string, query: UiExceptionsQuery, now: Date): Promise<UiExceptionsView> {
    const instance = this.registry.get(name);
    const to = query.to === undefined ? now : new Date(query.to);
    const from = query.from === undefined ? new Date(to.getTime() - DEFAULT_SPAN_MS) : new Date(query.from);
    const range = [from.toISOString(), to.toISOString()];
    const stack = query.stack ? ', e.stacktrace' : '';
    const [rows, groups] = await Promise.all([
      this.databases.query<ExceptionRow>(
        instance,
        `SELECT e.id, e.time, e.message, e.location${stack}, u.username, u.first_name, u.last_name
           FROM uiexception e
           LEFT JOIN usersession s ON s.id = e.usersession_id
           LEFT JOIN "user" u ON u.id = s.user_id
          WHERE e.time >= $1 AND e.time < $2
          ORDER BY e.time DESC, e.id DESC
          LIMIT $3`,
        [...range, query.limit],
      ),
      this.databases.query<GroupRow>(
        instance,
        `SELECT e.message, count(*)::int AS count, min(e.time) AS first_seen, max(e.time) AS last_seen,
                count(DISTINCT s.user_id)::int AS users
           FROM uiexception e
           LEFT JOIN usersession s ON s.id = e.usersession_id
          WHERE e.time >= $1 AND e.time < $2
          GROUP BY e.message
          ORDER BY max(e.time) DESC
          LIMIT 100`,
        range,
      ),
    ]);
    return {
      instance: name,
      from: from.toISOString(),
      to: to.toISOString(),
      groups: groups.map((g): UiExceptionGroup => ({
        message: g.message,
        count: g.count,
        firstSeen: g.first_seen.toISOString(),
        lastSeen: g.last_seen.toISOString(),
        users: g.users,
      })),
      exceptions: rows.map((row) => {
        const view: UiExceptionView = {
          id: row.id,
          time: row.time.toISOString(),
          message: row.message,
          location: row.location,
          user:
            row.username === null
              ? null
              : { username: row.username, name: `${row.first_name ?? ''} ${row.last_name ?? ''}`.trim() },
        };
        if (query.stack) view.stacktrace = row.stacktrace ?? null;
        return view;
      }),
    };
  }
}
