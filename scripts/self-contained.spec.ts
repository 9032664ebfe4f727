import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The repository explains itself: no tracked file points at documents that live outside it (design
 * notes, conventions or toolchain notes kept beside a checkout, or a sibling folder).
 */
const OUTSIDE = [
  /\.\.\/shared\//,
  /\bDESIGN\.md\b/,
  /\bCONVENTIONS(\.md)?\b/,
  /\bTOOLCHAIN-FACTS\b/,
  // The tracker's issues, which a reader of the repository does not have ("issue #12").
  /\bissue ?#\d+/i,
];

describe('the repository stands on its own', () => {
  it('no tracked file refers to documents outside the repository', () => {
    const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' })
      .split('\n')
      .filter(
        (file) => file !== '' && file !== 'package-lock.json' && file !== 'scripts/self-contained.spec.ts',
      )
      .filter((file) => !/\.(png|jpe?g|xlsx|ico)$/.test(file));
    const found: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // a symlink to a folder, or a file deleted but not yet committed
      }
      text.split('\n').forEach((line, index) => {
        if (OUTSIDE.some((pattern) => pattern.test(line))) found.push(`${file}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
