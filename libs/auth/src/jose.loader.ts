let josePackage: Promise<typeof import('jose')> | undefined;

/**
 * jose, imported on the first token to verify: only the oidc and iam modes use it, and an app in
 * token mode (local runs, tests) never loads it.
 */
export function loadJose(): Promise<typeof import('jose')> {
  josePackage ??= import('jose').catch((error: unknown) => {
    josePackage = undefined;
    throw error;
  });
  return josePackage;
}
