// The part of ELLA's database (release 1.17.2) that ella-ops reads and writes, as ELLA's own alembic
// migrations create it: enough for tests and the local demo, not ELLA's whole schema. Column names
// and types follow ELLA's models; the `state` column of `uiexception` holds the front end's whole state
// (which may hold patient data) and is never read by ella-ops.
export const ELLA_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
CREATE TABLE IF NOT EXISTS "user" (
  id serial PRIMARY KEY,
  username varchar NOT NULL UNIQUE,
  first_name varchar NOT NULL,
  last_name varchar NOT NULL,
  email varchar,
  group_id integer,
  active boolean NOT NULL DEFAULT true
);
CREATE TABLE IF NOT EXISTS usersession (
  id serial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES "user"(id),
  token varchar(32) NOT NULL UNIQUE,
  issued timestamptz NOT NULL DEFAULT now(),
  lastactivity timestamptz NOT NULL DEFAULT now(),
  expires timestamptz NOT NULL,
  logged_out timestamptz
);
CREATE TABLE IF NOT EXISTS broadcast (
  id serial PRIMARY KEY,
  date_created timestamptz NOT NULL DEFAULT now(),
  message varchar NOT NULL,
  active boolean NOT NULL
);
CREATE TABLE IF NOT EXISTS uiexception (
  id serial PRIMARY KEY,
  time timestamptz NOT NULL DEFAULT now(),
  usersession_id integer REFERENCES usersession(id),
  message varchar NOT NULL,
  location varchar,
  stacktrace varchar,
  state jsonb DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS resourcelog (
  id serial PRIMARY KEY,
  remote_addr inet NOT NULL,
  time timestamptz NOT NULL DEFAULT now(),
  duration integer NOT NULL,
  usersession_id integer REFERENCES usersession(id),
  method varchar NOT NULL,
  resource varchar NOT NULL,
  query varchar NOT NULL DEFAULT '',
  response varchar,
  response_size integer NOT NULL DEFAULT 0,
  payload varchar,
  payload_size integer NOT NULL DEFAULT 0,
  statuscode integer NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_resourcelog_time ON resourcelog (time);
CREATE TABLE IF NOT EXISTS clilog (
  id serial PRIMARY KEY,
  time timestamptz NOT NULL DEFAULT now(),
  "user" varchar NOT NULL,
  "group" varchar NOT NULL,
  groupcommand varchar NOT NULL,
  command varchar NOT NULL,
  reason varchar,
  output varchar NOT NULL
);
`;

/** The head the demo and test databases are at. */
export const ELLA_ALEMBIC_HEAD = 'b8ed4e4ba8d2';

/**
 * What a least-privileged ella-ops account may do in ELLA's database (the grants its README
 * recommends): read the tables it shows, write broadcasts and the ella-cli log, and read every column
 * of `uiexception` but `state`.
 */
export function ellaOpsGrantsSql(role: string): string {
  const r = `"${role.replace(/"/g, '""')}"`;
  return `
GRANT SELECT ON alembic_version, "user", usersession, resourcelog TO ${r};
GRANT SELECT, INSERT, UPDATE ON broadcast TO ${r};
GRANT INSERT ON clilog TO ${r};
GRANT USAGE ON SEQUENCE broadcast_id_seq, clilog_id_seq TO ${r};
GRANT SELECT (id, time, usersession_id, message, location, stacktrace) ON uiexception TO ${r};
`;
}
