let openIdClientPackage: Promise<typeof import('openid-client')> | undefined;

/** openid-client, imported on the first sign-in: an app in IAP mode, or one nobody signs in to yet, never loads it. */
export function loadOpenIdClient(): Promise<typeof import('openid-client')> {
  openIdClientPackage ??= import('openid-client').catch((error: unknown) => {
    openIdClientPackage = undefined;
    throw error;
  });
  return openIdClientPackage;
}
