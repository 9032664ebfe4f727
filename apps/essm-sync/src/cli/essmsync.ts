#!/usr/bin/env node
import 'reflect-metadata';
import { JobAlreadyRunningException } from '@app/jobs';
import { parseCliArgs, USAGE, UsageError } from './cli-args.js';
import { loadCliConfig } from './cli-config.js';
import { runOperations } from './cli-runner.js';
import { describeResult, exitStatusOf } from './cli-summary.util.js';
import { SettingsFileError } from './yaml-settings.js';

/**
 * `essmsync -c base.yaml -c secrets.yaml [--really-do-this] [--json] <operation>...`: the operators'
 * command line, running the app's jobs in-process. Exit 0 succeeded, 1 failed, 2 refused or bad usage.
 */
async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`essmsync: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config;
  try {
    config = loadCliConfig(args.configFiles, process.env);
  } catch (error) {
    if (!(error instanceof SettingsFileError)) throw error;
    process.stderr.write(`essmsync: ${error.message}\n`);
    return 2;
  }
  try {
    const results = await runOperations(config, args.operations, args.reallyDoThis);
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify(
          results.map((result) => result.record),
          null,
          2,
        )}\n`,
      );
    } else {
      if (!args.reallyDoThis)
        process.stdout.write('Dry run: nothing is changed (add --really-do-this to apply).\n');
      for (const result of results) process.stdout.write(`${describeResult(result).join('\n')}\n`);
    }
    return exitStatusOf(results);
  } catch (error) {
    if (error instanceof JobAlreadyRunningException) {
      process.stderr.write(`essmsync: ${String((error.getResponse() as { message?: string }).message)}\n`);
      return 1;
    }
    process.stderr.write(`essmsync: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
