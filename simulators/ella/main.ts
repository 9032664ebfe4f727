// ELLA for the local stack (`npm start`): a demo ELLA database (embedded PostgreSQL, ELLA's tables with
// demo rows), ELLA's `GET /api/v1/broadcasts/` on it, and two real supervisords (Debian's `supervisor`)
// with stand-ins for ELLA's programs: `demo` (a primary, running) and `demo-dr` (its failover, stopped).
// One port serves it all: HTTP (`/<instance>/RPC2` is passed to that instance's supervisord,
// `/<instance>/api/v1/broadcasts/` is ELLA's API) and the PostgreSQL protocol (a connection whose
// first byte is 0, as every PostgreSQL start-up message's is), so ella-ops's instance list needs one
// address. Without supervisord installed, `/<instance>/RPC2` answers 503 saying how to install it.
// Env: PORT, ELLA_SUPERVISOR_PASSWORD (16+ characters: the supervisords' Basic auth, user `ella-ops`).
import { accessSync, constants } from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedDatabase } from '@app/db';
import { createSimulatorApp, SimulatorControl } from '../common/simulator.js';
import { seedEllaDemo } from './ella-demo-data.js';
import { ELLA_SCHEMA_SQL } from './ella-schema.js';
import { type RunningSupervisord, spawnSupervisord } from './supervisord.js';

const INSTALL = 'sudo apt-get install -y --no-install-recommends supervisor';

function installed(command: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin'];
  return dirs.filter(Boolean).some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const port = Number(process.env.PORT ?? '0');
const password = process.env.ELLA_SUPERVISOR_PASSWORD ?? '';
if (password.length < 16) {
  console.error('ella simulator: ELLA_SUPERVISOR_PASSWORD (at least 16 characters) is required');
  process.exit(1);
}

const db = await startEmbeddedDatabase();
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
pool.on('error', () => undefined);
await pool.query(ELLA_SCHEMA_SQL);
const client = await pool.connect();
try {
  await seedEllaDemo(client, new Date());
} finally {
  client.release();
}

const supervisors = new Map<string, RunningSupervisord>();
const haveSupervisord = installed('supervisord');
if (haveSupervisord) {
  supervisors.set('demo', await spawnSupervisord({ autostart: true, username: 'ella-ops', password }));
  supervisors.set('demo-dr', await spawnSupervisord({ autostart: false, username: 'ella-ops', password }));
} else {
  console.error(
    `ella simulator: supervisord is not installed, so the demo instances have none. Install it with:\n  ${INSTALL}`,
  );
}

const app = createSimulatorApp(new SimulatorControl(), 'ella');
const INSTANCES = new Set(['demo', 'demo-dr']);
app.post('/:instance/RPC2', (req, res, next) => {
  const instance = req.params.instance;
  if (!INSTANCES.has(instance)) {
    res.status(404).type('text/plain').send('no such instance');
    return;
  }
  const target = supervisors.get(instance);
  if (target === undefined) {
    res.status(503).type('text/plain').send(`supervisord is not installed here; install it with: ${INSTALL}`);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml',
        ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
      },
      body: Buffer.concat(chunks),
    })
      .then(async (answer) => {
        res
          .status(answer.status)
          .type('text/xml')
          .send(await answer.text());
      })
      .catch(next);
  });
});
app.get('/:instance/api/v1/broadcasts/', (req, res, next) => {
  if (!INSTANCES.has(req.params.instance)) {
    res.status(404).json({ error: 'no such instance' });
    return;
  }
  pool
    .query<{ id: number; date_created: Date; message: string }>(
      'SELECT id, date_created, message FROM broadcast WHERE active ORDER BY date_created',
    )
    .then(({ rows }) =>
      res.json(rows.map((r) => ({ id: r.id, date: r.date_created.toISOString(), message: r.message }))),
    )
    .catch(next);
});

// One port, two protocols: PostgreSQL start-up messages begin with a zero byte, HTTP requests never do.
const http = app.listen(0, '127.0.0.1');
const dbPort = Number(new URL(db.url).port);
const front = net.createServer((socket) => {
  socket.once('error', () => socket.destroy());
  socket.once('data', (first: Buffer) => {
    socket.pause();
    socket.unshift(first);
    if (first[0] === 0) {
      const upstream = net.connect(dbPort, '127.0.0.1', () => {
        socket.pipe(upstream).pipe(socket);
        socket.resume();
      });
      upstream.once('error', () => socket.destroy());
      socket.once('close', () => upstream.destroy());
    } else {
      http.emit('connection', socket);
      process.nextTick(() => socket.resume());
    }
  });
});
await new Promise<void>((resolve, reject) => {
  front.once('error', reject);
  front.listen(port, '127.0.0.1', () => resolve());
});
const { port: listening } = front.address() as AddressInfo;
console.log(
  JSON.stringify({
    simulator: 'ella',
    url: `http://127.0.0.1:${listening}`,
    database: `postgresql://postgres@127.0.0.1:${listening}/postgres`,
    instances: [...INSTANCES],
    supervisord: haveSupervisord,
  }),
);

async function stop(): Promise<void> {
  front.close();
  http.closeAllConnections();
  http.close();
  await Promise.all([...supervisors.values()].map((s) => s.close()));
  await pool.end().catch(() => undefined);
  await db.stop().catch(() => undefined);
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
