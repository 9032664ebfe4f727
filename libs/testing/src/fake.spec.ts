import { describe, expect, it } from '@jest/globals';
import { fake } from './index.js';

interface Repository {
  find(id: string): Promise<string | null>;
  save(value: string): Promise<void>;
}

describe('fake', () => {
  it('uses the methods it is given', async () => {
    const repo = fake<Repository>({ find: (id) => Promise.resolve(`found ${id}`) });
    await expect(repo.find('a')).resolves.toBe('found a');
  });

  it('throws, naming the method, when a method it was not given is called', () => {
    const repo = fake<Repository>({}, 'Repository');
    expect(() => repo.save('x')).toThrow('Repository.save was called, but the test did not give it');
  });

  it('is not mistaken for a promise when awaited', async () => {
    const repo = fake<Repository>();
    await expect(Promise.resolve(repo)).resolves.toBe(repo);
  });
});
