import { readFile, stat } from 'node:fs/promises';
import { SeedError, type Simulator } from './simulator.js';

/** What a simulator's `main.ts` tells `runSimulatorMain`. */
export interface SimulatorMain<S extends Simulator<TSeed>, TSeed> {
  /** Makes the simulator from the environment (tokens, passwords...). */
  create(env: NodeJS.ProcessEnv): S;
  /** The data served when no `--seed` is given (demo data). */
  demoSeed(env: NodeJS.ProcessEnv): TSeed | Promise<TSeed>;
  /**
   * Reads `--seed FILE`; default: a JSON file checked with the simulator's `parseSeed`. A simulator
   * whose data comes in another form (a folder of workbooks) reads it here.
   */
  loadSeed?(simulator: S, file: string): Promise<TSeed>;
  /** Extra fields of the one JSON line printed once listening (URLs a client needs, counts). */
  describe?(simulator: S, seed: TSeed): Record<string, unknown>;
}

export interface MainArguments {
  port: number;
  host: string;
  seedFile: string | undefined;
}

/** Command-line usage, printed with an argument error. */
export const SIMULATOR_USAGE =
  'usage: node dist/simulators/<name>/main.js [--port N] [--host 127.0.0.1] [--seed FILE]' +
  ' (PORT in the environment when --port is absent; default: any free port)';

/** Parses `--port N`, `--host H`, `--seed FILE` (or `--x=value`); throws naming the bad argument. */
export function parseMainArguments(argv: readonly string[], env: NodeJS.ProcessEnv = {}): MainArguments {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i] ?? '';
    const match = /^--(port|host|seed)(?:=(.*))?$/.exec(argument);
    if (match === null) throw new Error(`unknown argument ${JSON.stringify(argument)}`);
    const [, key = '', inline] = match;
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`--${key} needs a value`);
    values.set(key, value);
  }
  const portText = values.get('port') ?? env['PORT'] ?? '0';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535)
    throw new Error(`--port (or PORT) must be a port number 0-65535, got ${JSON.stringify(portText)}`);
  return { port, host: values.get('host') ?? '127.0.0.1', seedFile: values.get('seed') };
}

/** Reads a JSON seed file and checks it with the simulator's `parseSeed`. */
export async function readSeedFile<TSeed>(simulator: Simulator<TSeed>, file: string): Promise<TSeed> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile()) throw new SeedError(`--seed ${file}: no such file`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new SeedError(`--seed ${file}: not valid JSON (${(error as Error).message})`);
  }
  return simulator.parseSeed(json);
}

/**
 * Makes, seeds and starts a simulator as `main` describes, from command-line arguments: the part of
 * `runSimulatorMain` that tests (and the local stack) can call in-process.
 */
export async function startSimulatorMain<S extends Simulator<TSeed>, TSeed>(
  main: SimulatorMain<S, TSeed>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ simulator: S; line: Record<string, unknown> }> {
  const args = parseMainArguments(argv, env);
  const simulator = main.create(env);
  const seed =
    args.seedFile === undefined
      ? await main.demoSeed(env)
      : await (main.loadSeed?.(simulator, args.seedFile) ?? readSeedFile(simulator, args.seedFile));
  simulator.seed(seed);
  await simulator.start(args.port, args.host);
  return {
    simulator,
    line: { simulator: simulator.name, url: simulator.url, ...(main.describe?.(simulator, seed) ?? {}) },
  };
}

/**
 * A simulator's standalone entry point: `node dist/simulators/<name>/main.js --port N --seed FILE`.
 * Prints one JSON line once listening (`{"simulator":"gitlab","url":"http://127.0.0.1:4101",...}`),
 * stops on SIGTERM/SIGINT, and exits 2 with the usage on a bad argument or seed.
 */
export async function runSimulatorMain<S extends Simulator<TSeed>, TSeed>(
  main: SimulatorMain<S, TSeed>,
): Promise<void> {
  let started: { simulator: S; line: Record<string, unknown> };
  try {
    started = await startSimulatorMain(main, process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${SIMULATOR_USAGE}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(started.line)}\n`);
  const stop = () => {
    started.simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
