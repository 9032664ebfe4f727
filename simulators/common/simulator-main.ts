import { readFile, stat } from 'node:fs/promises';
import { SeedError, type Simulator } from './simulator.js';

/** What a simulator's `main.ts` tells `runSimulatorMain`. */
export interface SimulatorMain<S extends Simulator<TSeed>, TSeed> {
  /**
   * Makes the simulator from the environment (tokens, passwords...); a promise when it first starts
   * what it stands on (a database, child processes), which its `close()` then stops.
   */
  create(env: NodeJS.ProcessEnv): S | Promise<S>;
  /** The data served when no `--seed` is given (demo data), shaped by the `demoOptions` given. */
  demoSeed(env: NodeJS.ProcessEnv, options: Readonly<Record<string, number>>): TSeed | Promise<TSeed>;
  /**
   * Whole-number options the demo data takes (`--activities 6000`), each with its meaning: the
   * command line accepts them beside `--port`, `--host` and `--seed`.
   */
  demoOptions?: Readonly<Record<string, string>>;
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
  /** The demo options given (`--activities 6000` → `{ activities: 6000 }`). */
  demo: Record<string, number>;
}

/** Command-line usage, printed with an argument error. */
export const SIMULATOR_USAGE =
  'usage: node dist/simulators/<name>/main.js [--port N] [--host 127.0.0.1] [--seed FILE]' +
  ' (PORT in the environment when --port is absent; default: any free port)';

/**
 * Parses `--port N`, `--host H`, `--seed FILE` and the simulator's whole-number `demoOptions` (or
 * `--x=value`); throws naming the bad argument.
 */
export function parseMainArguments(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
  demoOptions: readonly string[] = [],
): MainArguments {
  const values = new Map<string, string>();
  const demo: Record<string, number> = {};
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i] ?? '';
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(argument);
    const [, key = '', inline] = match ?? [];
    const known = ['port', 'host', 'seed'].includes(key);
    if (match === null || (!known && !demoOptions.includes(key)))
      throw new Error(`unknown argument ${JSON.stringify(argument)}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`--${key} needs a value`);
    if (known) {
      values.set(key, value);
    } else {
      if (!/^\d+$/.test(value))
        throw new Error(`--${key} must be a whole number, got ${JSON.stringify(value)}`);
      demo[key] = Number(value);
    }
  }
  const portText = values.get('port') ?? env['PORT'] ?? '0';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535)
    throw new Error(`--port (or PORT) must be a port number 0-65535, got ${JSON.stringify(portText)}`);
  return { port, host: values.get('host') ?? '127.0.0.1', seedFile: values.get('seed'), demo };
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
  const args = parseMainArguments(argv, env, Object.keys(main.demoOptions ?? {}));
  const simulator = await main.create(env);
  let seed: TSeed;
  try {
    seed =
      args.seedFile === undefined
        ? await main.demoSeed(env, args.demo)
        : await (main.loadSeed?.(simulator, args.seedFile) ?? readSeedFile(simulator, args.seedFile));
    await simulator.seed(seed);
    await simulator.start(args.port, args.host);
  } catch (error) {
    // What `create` started (a database, child processes) must not outlive a bad seed or a busy port.
    await simulator.close().catch(() => undefined);
    throw error;
  }
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
    const extra = Object.entries(main.demoOptions ?? {})
      .map(([name, meaning]) => `  --${name} N: ${meaning}\n`)
      .join('');
    process.stderr.write(`${(error as Error).message}\n${SIMULATOR_USAGE}\n${extra}`);
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
