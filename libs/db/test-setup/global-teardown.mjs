// Drops the clones a test file left behind (a crashed file never reaches its own afterAll).
import pg from 'pg';

export default async function globalTeardown() {
  if (process.env.USP_TEST_DB_MODE !== 'server') return;
  const client = new pg.Client({ connectionString: process.env.USP_TEST_ADMIN_URL });
  await client.connect();
  try {
    const prefix = `usp_t_${process.env.USP_TEST_RUN_ID}_`;
    const left = await client.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
      prefix,
    ]);
    for (const row of left.rows) await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
