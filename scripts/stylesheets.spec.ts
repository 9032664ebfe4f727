import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PLATFORM_CSS = path.join(root, 'libs/service/src/pages/public/platform.css');

/** The top-level rules of a stylesheet (`selector { ... }`, an `@media` block whole), comments out, spaces folded. */
function topLevelRules(css: string): string[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) {
        rules.push(
          text
            .slice(start, i + 1)
            .replace(/\s+/g, ' ')
            .trim(),
        );
        start = i + 1;
      }
    }
  }
  return rules;
}

/** Every app's own stylesheets (apps/<app>/src/**\/public/*.css). */
function appStylesheets(): string[] {
  const found: string[] = [];
  for (const app of readdirSync(path.join(root, 'apps'), { withFileTypes: true })) {
    if (!app.isDirectory()) continue;
    const src = path.join(root, 'apps', app.name, 'src');
    const entries = readdirSync(src, { withFileTypes: true, recursive: true });
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith('.css') && path.basename(e.parentPath) === 'public') {
        found.push(path.relative(root, path.join(e.parentPath, e.name)));
      }
    }
  }
  return found.sort();
}

/**
 * The pages' look is one stylesheet, libs/service's platform.css; an app's own stylesheet holds only
 * what differs, so no rule of the platform's is copied into an app's.
 */
describe("the platform's stylesheet", () => {
  it('finds top-level rules, an @media block whole', () => {
    expect(topLevelRules('/* x */ a { color: red; }\n@media (x) { b { c: d; } }  .e,\n.f { g: h }')).toEqual([
      'a { color: red; }',
      '@media (x) { b { c: d; } }',
      '.e, .f { g: h }',
    ]);
  });

  it("no app's stylesheet repeats a rule of platform.css", () => {
    const platform = new Set(topLevelRules(readFileSync(PLATFORM_CSS, 'utf8')));
    expect(platform.size).toBeGreaterThan(50);
    const sheets = appStylesheets();
    expect(sheets).toEqual(expect.arrayContaining(['apps/ella-ops/src/web/public/app.css']));
    const repeated = sheets.flatMap((sheet) =>
      topLevelRules(readFileSync(path.join(root, sheet), 'utf8'))
        .filter((rule) => platform.has(rule))
        .map((rule) => `${sheet}: ${rule.slice(0, 60)}`),
    );
    expect(repeated).toEqual([]);
  });
});
