/**
 * A typed fake of one of our own boundaries (a repository, a client, a notifier): the methods a
 * test gives are used; any other method throws when called, naming itself, so a test never passes
 * because an unexpected call quietly returned `undefined`.
 *
 *   const repo = fake<SyncRepository>({ findOurBlocks: async () => [] });
 */
export function fake<T extends object>(implementation: Partial<T> = {}, name = 'fake'): T {
  return new Proxy(implementation as T, {
    get(target, property, receiver) {
      if (property in target) return Reflect.get(target, property, receiver) as unknown;
      // Promise resolution and Jest's printing probe these; they are not calls of the boundary.
      if (property === 'then' || typeof property === 'symbol' || property === 'asymmetricMatch')
        return undefined;
      return () => {
        throw new Error(`${name}.${String(property)} was called, but the test did not give it`);
      };
    },
  });
}
