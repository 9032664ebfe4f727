import { describe, expect, it } from '@jest/globals';
import {
  emailFor,
  mulberry32,
  randomCrsid,
  randomName,
  randomPeople,
  seededRandom,
} from './seeded-random.js';

describe('seededRandom', () => {
  it('gives the same numbers for a seed and others for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42).every((n) => n >= 0 && n < 1)).toBe(true);
  });

  it('keeps int within its bounds and reaches both', () => {
    const random = seededRandom(1);
    const seen = new Set(Array.from({ length: 2000 }, () => random.int(3, 7)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('picks from a list, refuses an empty one, and shuffles keeping every item', () => {
    const random = seededRandom(2);
    expect(['a', 'b', 'c']).toContain(random.pick(['a', 'b', 'c']));
    expect(() => random.pick([])).toThrow(RangeError);
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = random.shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });

  it('draws chance(p) about p of the time', () => {
    const random = seededRandom(3);
    const hits = Array.from({ length: 10_000 }, () => random.chance(0.25)).filter(Boolean).length;
    expect(hits / 10_000).toBeGreaterThan(0.23);
    expect(hits / 10_000).toBeLessThan(0.27);
  });
});

describe('generators', () => {
  it('makes CRSids of 2-4 letters and a number, distinct when given the used set', () => {
    const random = seededRandom(4);
    const used = new Set<string>();
    const crsids = Array.from({ length: 3000 }, () => randomCrsid(random, used));
    expect(crsids.every((c) => /^[a-z]{2,4}[1-9][0-9]{0,3}$/.test(c))).toBe(true);
    expect(new Set(crsids).size).toBe(3000);
    expect(used.size).toBe(3000);
  });

  it('makes names and emails', () => {
    expect(randomName(seededRandom(5))).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(emailFor('Priya Patel', 7)).toBe('priya.patel7@example.ac.uk');
    expect(emailFor("Ann-Marie O'Neil", 1, 'cam.ac.uk')).toBe('annmarie.oneil1@cam.ac.uk');
    expect(emailFor('!!', 2)).toBe('person2@example.ac.uk');
  });

  it('makes the same people for a seed, with distinct CRSids and their addresses', () => {
    const people = randomPeople(6, 200);
    expect(randomPeople(6, 200)).toEqual(people);
    expect(new Set(people.map((p) => p.crsid)).size).toBe(200);
    expect(people.every((p) => p.email === `${p.crsid}@cam.ac.uk`)).toBe(true);
  });
});
