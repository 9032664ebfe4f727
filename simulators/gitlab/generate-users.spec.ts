import { describe, expect, it } from '@jest/globals';
import { generateUsers, type GenerateUsersOptions } from './generate-users.js';

const BENCH: GenerateUsersOptions = {
  total: 50_000,
  withCrsid: 45_000,
  cancelledFraction: 0.01,
  externals: 2_000,
  inactiveExternalFraction: 0.1,
  seed: 1,
  now: new Date('2026-06-01T00:00:00Z'),
};

describe('generateUsers', () => {
  const data = generateUsers(BENCH);

  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateUsers(BENCH)).toEqual(data);
    expect(generateUsers({ ...BENCH, seed: 2 }).users[0]).not.toEqual(data.users[0]);
  });

  it('produces the requested populations', () => {
    const { users, people, stats } = data;
    expect(users).toHaveLength(50_000);
    expect(new Set(users.map((u) => u.id)).size).toBe(50_000);
    expect(users.map((u) => u.id)).toEqual([...users.map((u) => u.id)].sort((a, b) => a - b));
    expect(users.filter((u) => u.username.startsWith('external-'))).toHaveLength(2_000);
    expect(users.filter((u) => u.bot)).toHaveLength(stats.bots);
    expect(stats.bots).toBeGreaterThan(0);
    expect(users.filter((u) => u.state === 'ldap_blocked')).toHaveLength(stats.ldapBlocked);
    expect(stats.ldapBlocked).toBeGreaterThan(0);
    expect(new Set(people.map((p) => p.crsid)).size).toBe(people.length);
    expect(people.length + stats.unknownInLookup).toBe(45_000);
    expect(people.every((p) => /^(?=.{2,8}$)[a-z]+[0-9]*$/.test(p.crsid))).toBe(true);
    expect(stats.cancelled / people.length).toBeGreaterThan(0.007);
    expect(stats.cancelled / people.length).toBeLessThan(0.013);
    expect(stats.inactiveExternals / 2_000).toBeGreaterThan(0.07);
    expect(stats.inactiveExternals / 2_000).toBeLessThan(0.13);
  });

  it('makes inactive externals older than 24 months and the others younger', () => {
    const cutoff = '2024-06-01';
    const externals = data.users.filter((u) => u.username.startsWith('external-'));
    const inactive = externals.filter((u) => (u.last_activity_on ?? u.created_at.slice(0, 10)) < cutoff);
    expect(inactive).toHaveLength(data.stats.inactiveExternals);
  });

  it('refuses populations larger than the total', () => {
    expect(() => generateUsers({ ...BENCH, total: 100, withCrsid: 90, externals: 20 })).toThrow(RangeError);
  });
});
