import type pg from 'pg';
import { ELLA_ALEMBIC_HEAD } from './ella-schema.js';

/** A marker planted in `uiexception.state`: a test fails if it ever leaves ella-ops. */
export const PATIENT_STATE_MARKER = 'PATIENT-1234567-SECRET-STATE';

/**
 * Demo rows relative to `now`: two users with sessions, a broadcast, UI exceptions (two messages,
 * one repeated; every `state` holds {@link PATIENT_STATE_MARKER}) and `requests` resourcelog rows
 * spread over the last 30 minutes (every 20th a 500; durations 10..1000 ms, the slowest on one resource).
 */
export async function seedEllaDemo(client: pg.ClientBase, now: Date, requests = 400): Promise<void> {
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  await client.query('INSERT INTO alembic_version (version_num) VALUES ($1) ON CONFLICT DO NOTHING', [
    ELLA_ALEMBIC_HEAD,
  ]);
  await client.query(
    `INSERT INTO "user" (id, username, first_name, last_name, email) VALUES
       (1, 'anna.analyst', 'Anna', 'Analyst', 'anna@lab.example.org'),
       (2, 'rolf.reviewer', 'Rolf', 'Reviewer', 'rolf@lab.example.org')`,
  );
  await client.query(
    `INSERT INTO usersession (id, user_id, token, issued, lastactivity, expires) VALUES
       (1, 1, 'token-anna-000000000000000000001', $1, $1, $2),
       (2, 2, 'token-rolf-000000000000000000002', $1, $1, $2)`,
    [at(120), at(-600)],
  );
  await client.query(`SELECT setval('user_id_seq', 2), setval('usersession_id_seq', 2)`);
  await client.query(
    `INSERT INTO broadcast (date_created, message, active) VALUES ($1, 'Welcome to ELLA (demo)', true)`,
    [at(60 * 24)],
  );
  const state = JSON.stringify({ patient: PATIENT_STATE_MARKER, analysis: { id: 7 } });
  const exceptions: [number, number | null, string, string][] = [
    [50, 1, 'TypeError: cannot read properties of undefined (reading "alleles")', '/analyses/7'],
    [20, 2, 'TypeError: cannot read properties of undefined (reading "alleles")', '/analyses/9'],
    [5, 1, 'TypeError: cannot read properties of undefined (reading "alleles")', '/analyses/7'],
    [2, null, 'NetworkError: the request timed out', '/overview'],
  ];
  for (const [minutesAgo, session, message, location] of exceptions) {
    await client.query(
      `INSERT INTO uiexception (time, usersession_id, message, location, stacktrace, state)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [at(minutesAgo), session, message, location, `${message}\n    at render (app.js:1:100)`, state],
    );
  }
  await client.query(
    `INSERT INTO resourcelog (remote_addr, time, duration, usersession_id, method, resource, statuscode, response_size)
     SELECT '10.0.0.1', $1::timestamptz - (i * interval '30 minutes' / $2::int), 
            CASE WHEN i % 50 = 0 THEN 1000 ELSE 10 + (i % 10) * 10 END,
            1 + i % 2, CASE WHEN i % 3 = 0 THEN 'POST' ELSE 'GET' END,
            CASE WHEN i % 50 = 0 THEN '/api/v1/workflows/analyses/7/actions/finalize/' ELSE '/api/v1/analyses/' END,
            CASE WHEN i % 20 = 0 THEN 500 ELSE 200 END, 100
     FROM generate_series(1, $2::int) AS i`,
    [now.toISOString(), requests],
  );
}
