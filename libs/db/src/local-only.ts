/**
 * Loads a package that only local runs and tests use (a devDependency, so not in the production
 * image: the embedded database, the XLSX reader) at its first use. Production code paths never
 * import such a package statically (scripts/production-imports.spec.ts checks it); if one is
 * reached where the package is not installed, this says what to set instead of Node's bare
 * "Cannot find package".
 */
export async function importLocalOnly<T>(
  specifier: string,
  load: () => Promise<T>,
  usage: { what: string; instead: string },
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    // ERR_MODULE_NOT_FOUND from Node's ES module loader; MODULE_NOT_FOUND from require() and Jest.
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((error as Error).message).includes(`'${specifier}'`)
    ) {
      throw new LocalOnlyPackageMissingError(specifier, usage, error);
    }
    throw error;
  }
}

export class LocalOnlyPackageMissingError extends Error {
  constructor(specifier: string, usage: { what: string; instead: string }, cause: unknown) {
    super(
      `${usage.what} needs the package ${specifier}, which is installed for local runs and tests only ` +
        `(a devDependency, left out of the production image). ${usage.instead}`,
      { cause },
    );
    this.name = 'LocalOnlyPackageMissingError';
  }
}
