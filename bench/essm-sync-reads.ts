// The reads of a sync-events run alone, for bench/essm-sync.bench.ts, which starts this file as its
// own process with the app's memory settings (as the app runs), so that the reads do not share a
// thread with the simulators the bench serves, and are timed warm: one round to warm up (the app's
// runs are timed after its first run), then READS_ROUNDS timed rounds. Each round reads as a run
// does (activities, rooms, every page of bookings, through the app's own clients, nothing planned),
// reports its wall time to the bench (IPC) and waits for the bench's go before the next, so that
// the bench counts each round's calls. Settings come from the environment the bench gives.
import { importDist } from './bench.util.js';

type BookerClientModule = typeof import('../apps/essm-sync/src/booker/booker.client.js');
type TermTimeClientModule = typeof import('../apps/essm-sync/src/termtime/termtime.client.js');

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`essm-sync-reads: ${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('essm-sync-reads: run by the essm-sync bench (IPC)');
  const { BookerClient } = await importDist<BookerClientModule>('apps/essm-sync/booker/booker.client.js');
  const { TermTimeClient } = await importDist<TermTimeClientModule>(
    'apps/essm-sync/termtime/termtime.client.js',
  );
  const booker = new BookerClient({
    baseUrl: setting('BOOKER_URL'),
    username: setting('BOOKER_USERNAME'),
    password: setting('BOOKER_PASSWORD'),
    pageSize: Number(setting('BOOKER_PAGE_SIZE')),
  });
  const termtime = new TermTimeClient({
    baseUrl: setting('TERMTIME_URL'),
    apiKey: setting('TERMTIME_API_KEY'),
  });
  const window = { start: setting('READS_BOOKINGS_START'), end: setting('READS_BOOKINGS_END') };
  const rounds = Number(setting('READS_ROUNDS'));
  for (let round = 0; round <= rounds; round++) {
    const started = performance.now();
    await Promise.all([termtime.listActivities(), booker.listRooms(), booker.listBookings(window)]);
    const ms = Math.round(performance.now() - started);
    await new Promise<void>((resolve) => {
      process.once('message', () => resolve());
      send({ round, ms });
    });
  }
  process.disconnect();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `essm-sync-reads failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
