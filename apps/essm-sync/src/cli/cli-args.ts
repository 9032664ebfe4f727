import { parseArgs } from 'node:util';

export const OPERATIONS = ['sync-rooms', 'find-conflicts', 'sync-events'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const USAGE = `usage: essmsync -c <file.yaml> [-c <more.yaml> ...] [--really-do-this] [--json] <operation>...

operations (run in the order given):
  sync-rooms      Booker's buildings and rooms to TermTime
  find-conflicts  report overlapping events (in TermTime, and with Booker bookings not ours)
  sync-events     TermTime events to Booker bookings (after the pre-flight)
  all             sync-rooms, find-conflicts, sync-events

Runs dry (plans and reports, changes nothing) unless --really-do-this is given.
Settings: YAML files deep-merged left to right, then environment variables on top.
Exit status: 0 succeeded, 1 failed, 2 refused or bad usage.`;

export interface CliArgs {
  configFiles: string[];
  reallyDoThis: boolean;
  json: boolean;
  operations: Operation[];
}

/** Bad usage: exit 2 with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command line, checked: at least one operation, every one known (`all` expanded, no repeats). */
export function parseCliArgs(argv: readonly string[]): CliArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c', multiple: true },
        'really-do-this': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) return 'help';
  const operations: Operation[] = [];
  for (const name of parsed.positionals) {
    const expanded: readonly string[] = name === 'all' ? OPERATIONS : [name];
    for (const operation of expanded) {
      if (!(OPERATIONS as readonly string[]).includes(operation)) {
        throw new UsageError(`unknown operation '${operation.slice(0, 40)}'`);
      }
      if (!operations.includes(operation as Operation)) operations.push(operation as Operation);
    }
  }
  if (operations.length === 0) throw new UsageError('no operation given');
  const configFiles = parsed.values.config ?? [];
  if (configFiles.length === 0) throw new UsageError('no configuration file given (-c <file.yaml>)');
  return {
    configFiles,
    reallyDoThis: parsed.values['really-do-this'],
    json: parsed.values.json,
    operations,
  };
}
