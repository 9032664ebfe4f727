import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Borders between features and between libraries (docs/architecture.md, "Conventions"): features of an app may depend on
// each other one way only, and so may libraries; what two of them share moves down.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Cycles known when this test was written, to be removed as they are fixed (the test says when). */
// (lookup-gitlab-sync's approval <-> sync cycle is gone: approval moved into libs/jobs.)
const KNOWN_CYCLES = new Set<string>([]);

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? '');
}

type Graph = Map<string, Set<string>>;

function addEdge(graph: Graph, from: string, to: string): void {
  if (!graph.has(from)) graph.set(from, new Set());
  if (!graph.has(to)) graph.set(to, new Set());
  if (from !== to) graph.get(from)?.add(to);
}

/** Features of one app: the folders under src/; files at src/ itself (main, app.module, config) are the app. */
function featureGraph(src: string): Graph {
  const graph: Graph = new Map();
  const featureOf = (file: string) => {
    const [first, ...rest] = path.relative(src, file).split(path.sep);
    return rest.length === 0 ? undefined : first;
  };
  for (const file of sourceFiles(src)) {
    const from = featureOf(file);
    if (from === undefined) continue;
    addEdge(graph, from, from);
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const to = featureOf(path.resolve(path.dirname(file), specifier));
      if (to !== undefined) addEdge(graph, from, to);
    }
  }
  return graph;
}

function libraryGraph(libs: string): Graph {
  const graph: Graph = new Map();
  for (const lib of readdirSync(libs)) {
    addEdge(graph, lib, lib);
    for (const file of sourceFiles(path.join(libs, lib, 'src'))) {
      for (const specifier of importsOf(file)) {
        const match = /^@app\/([a-z0-9-]+)$/.exec(specifier);
        if (match?.[1] !== undefined) addEdge(graph, lib, match[1]);
      }
    }
  }
  return graph;
}

/** The groups of nodes that reach each other (Tarjan's strongly connected components of size > 1). */
function cyclesOf(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

function allCycles(): string[] {
  const found: string[] = [];
  // Only the app folders (apps/ also holds manifest.json).
  const apps = readdirSync(path.join(root, 'apps'), { withFileTypes: true }).filter((e) => e.isDirectory());
  for (const { name: app } of apps) {
    for (const cycle of cyclesOf(featureGraph(path.join(root, 'apps', app, 'src')))) {
      found.push(`apps/${app}: ${cycle.join(', ')}`);
    }
  }
  for (const cycle of cyclesOf(libraryGraph(path.join(root, 'libs'))))
    found.push(`libs: ${cycle.join(', ')}`);
  return found.sort();
}

describe('import cycles', () => {
  it('finds the groups of a graph that import each other', () => {
    const graph: Graph = new Map();
    for (const [from, to] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'd'],
      ['f', 'a'],
    ] as const) {
      addEdge(graph, from, to);
    }
    expect(cyclesOf(graph).sort()).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  it('no feature folder of an app and no library imports another that imports it back', () => {
    const fresh = allCycles().filter((cycle) => !KNOWN_CYCLES.has(cycle));
    expect(fresh).toEqual([]);
  });

  it('every known cycle still exists (remove the fixed ones from KNOWN_CYCLES)', () => {
    const found = new Set(allCycles());
    expect([...KNOWN_CYCLES].filter((cycle) => !found.has(cycle))).toEqual([]);
  });
});
