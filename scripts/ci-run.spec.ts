import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * `.ci/run` always ends with its "N passed, N failed" line, even when `set -e` stops it early. Runs a
 * copy of the script in a temporary folder with stub `npm`, `npx` and `pg_isready` first on PATH: the
 * stub npm fails the step named in FAIL_STEP and otherwise writes a Jest report for `npm test`.
 */
describe('.ci/run', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'usp-ci-run-'));
    await mkdir(path.join(root, '.ci'));
    await mkdir(path.join(root, 'scripts'));
    await mkdir(path.join(root, 'bin'));
    await copyFile(path.resolve('.ci/run'), path.join(root, '.ci/run'));
    await chmod(path.join(root, '.ci/run'), 0o755);
    await writeFile(path.join(root, 'scripts/system-peers.mjs'), 'process.exit(0);\n');
    const stubs: Record<string, string> = {
      npm: [
        '#!/usr/bin/env bash',
        'step="$1"; [ "$1" = run ] && step="$2"',
        'if [ "$step" = test ]; then',
        '  for arg in "$@"; do case "$arg" in --outputFile=*) out="${arg#--outputFile=}";; esac; done',
        '  if [ "${FAIL_STEP:-}" = test ]; then',
        '    echo \'{"numPassedTests":5,"numFailedTests":2,"numRuntimeErrorTestSuites":0}\' > "$out"; exit 3',
        '  fi',
        '  echo \'{"numPassedTests":7,"numFailedTests":0,"numRuntimeErrorTestSuites":0}\' > "$out"',
        'fi',
        'if [ "$step" = "${FAIL_STEP:-}" ]; then echo "stub npm: $step failed" >&2; exit 3; fi',
        'exit 0',
      ].join('\n'),
      npx: '#!/usr/bin/env bash\nexec "$@"\n',
      pg_isready: '#!/usr/bin/env bash\nexit 0\n',
    };
    for (const [name, text] of Object.entries(stubs)) {
      await writeFile(path.join(root, 'bin', name), `${text}\n`);
      await chmod(path.join(root, 'bin', name), 0o755);
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  function run(failStep?: string) {
    const result = spawnSync('bash', [path.join(root, '.ci/run')], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${path.join(root, 'bin')}:${process.env.PATH ?? ''}`,
        FAIL_STEP: failStep ?? '',
      },
    });
    const lines = result.stdout.trim().split('\n');
    return { status: result.status, last: lines.at(-1), summaries: lines.filter((l) => / passed, /.test(l)) };
  }

  it.each(['ci', 'lint', 'typecheck'])('ends with "0 passed, 1 failed" when npm %s fails', (step) => {
    const { status, last, summaries } = run(step);
    expect(status).toBe(3);
    expect(last).toBe('0 passed, 1 failed');
    expect(summaries).toHaveLength(1);
  });

  it("prints only the report's line when everything runs", () => {
    const { status, last, summaries } = run();
    expect(status).toBe(0);
    expect(last).toBe('7 passed, 0 failed');
    expect(summaries).toHaveLength(1);
  });

  it("keeps the tests' failing status with only the report's line", () => {
    const { status, last, summaries } = run('test');
    expect(status).toBe(3);
    expect(summaries).toEqual(['5 passed, 2 failed']);
    expect(last).toBe('5 passed, 2 failed');
  });
});
