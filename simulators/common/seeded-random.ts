/**
 * Seeded random data for simulators, tests and benchmarks: the same seed gives the same numbers,
 * names, CRSids and emails on every machine. Not for anything secret (use node:crypto there).
 * Lives beside the simulators because they run from dist/ (local stack, benchmarks), where the
 * test-only libs/testing is not built; `@app/testing` re-exports it for specs.
 */

/** mulberry32: a 32-bit state, fast, and good enough for test data. Numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeededRandom {
  /** The next number in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** One of `items` (which must not be empty). */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

export function seededRandom(seed: number): SeededRandom {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)];
    },
    chance: (p) => next() < p,
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
}

export const FORENAMES = [
  'Alex',
  'Sam',
  'Priya',
  'Chen',
  'Maria',
  'Tom',
  'Aisha',
  'Olu',
  'Kate',
  'Jonas',
  'Ines',
  'Ravi',
] as const;
export const SURNAMES = [
  'Smith',
  'Patel',
  'Jones',
  'Wang',
  'Garcia',
  'Brown',
  'Okafor',
  'Muller',
  'Silva',
  'Khan',
] as const;
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];

/** `Forename Surname`. */
export function randomName(random: SeededRandom): string {
  return `${random.pick(FORENAMES)} ${random.pick(SURNAMES)}`;
}

/**
 * A CRSid shaped like the University's: 2 to 4 lower-case letters and a number 1-9999 (`abc123`).
 * With `used`, never one already in it (and adds it), so a data set has distinct CRSids.
 */
export function randomCrsid(random: SeededRandom, used?: Set<string>): string {
  for (;;) {
    let crsid = '';
    const letters = random.int(2, 4);
    for (let i = 0; i < letters; i++) crsid += random.pick(LETTERS);
    crsid += String(random.int(1, 9999));
    if (used === undefined) return crsid;
    if (!used.has(crsid)) {
      used.add(crsid);
      return crsid;
    }
  }
}

/** `forename.surname<n>@<domain>` for a `Forename Surname` name; `n` keeps people apart. */
export function emailFor(name: string, n: number, domain = 'example.ac.uk'): string {
  const local = name
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .trim()
    .replace(/\s+/g, '.');
  return `${local === '' ? 'person' : local}${n}@${domain}`;
}

export interface RandomPerson {
  crsid: string;
  name: string;
  /** `<crsid>@cam.ac.uk`, as the University's addresses are. */
  email: string;
}

/** `count` people with distinct CRSids, deterministic for `seed`. */
export function randomPeople(seed: number, count: number): RandomPerson[] {
  const random = seededRandom(seed);
  const used = new Set<string>();
  return Array.from({ length: count }, () => {
    const crsid = randomCrsid(random, used);
    return { crsid, name: randomName(random), email: `${crsid}@cam.ac.uk` };
  });
}
