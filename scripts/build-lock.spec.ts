import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withFileLock } from './build.mjs';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'usp-build-lock-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('withFileLock: one build at a time (scripts/build.mjs)', () => {
  it('runs a second caller only after the first is done, and removes the lock after each', () =>
    inTempDir(async (dir) => {
      const lock = path.join(dir, 'build.lock');
      const events: string[] = [];
      let aHoldsTheLock: () => void = () => undefined;
      const aStarted = new Promise<void>((resolve) => (aHoldsTheLock = resolve));
      const holder = (name: string) => async () => {
        events.push(`${name} start`);
        if (name === 'a') aHoldsTheLock();
        expect(existsSync(lock)).toBe(true);
        await sleep(150);
        events.push(`${name} end`);
        return name;
      };
      // b asks only once a holds the lock: started together, either could take it first.
      const first = withFileLock(lock, holder('a'), { pollMs: 10 });
      await aStarted;
      const results = await Promise.all([first, withFileLock(lock, holder('b'), { pollMs: 10 })]);
      expect(results).toEqual(['a', 'b']);
      expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
      expect(existsSync(lock)).toBe(false);
    }));

  it('removes the lock when the work fails', () =>
    inTempDir(async (dir) => {
      const lock = path.join(dir, 'build.lock');
      await expect(withFileLock(lock, () => Promise.reject(new Error('swc failed')))).rejects.toThrow(
        'swc failed',
      );
      expect(existsSync(lock)).toBe(false);
    }));

  it('takes over a lock left by a build that died (older than staleMs)', () =>
    inTempDir(async (dir) => {
      const lock = path.join(dir, 'build.lock');
      await writeFile(lock, '12345');
      const old = new Date(Date.now() - 60_000);
      await utimes(lock, old, old);
      await expect(
        withFileLock(lock, () => Promise.resolve('built'), { staleMs: 30_000, pollMs: 10 }),
      ).resolves.toBe('built');
    }));

  it('gives up on a lock another build still holds after waitMs, naming the file', () =>
    inTempDir(async (dir) => {
      const lock = path.join(dir, 'build.lock');
      await writeFile(lock, '12345');
      await expect(
        withFileLock(lock, () => Promise.resolve('never'), { staleMs: 60_000, waitMs: 100, pollMs: 10 }),
      ).rejects.toThrow(`another build has held ${lock}`);
      expect(existsSync(lock)).toBe(true);
    }));
});
