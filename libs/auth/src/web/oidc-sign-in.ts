import type { Configuration } from 'openid-client';
import { isSecureOrLoopback } from './web-auth.config.js';
import { SignInRefusedError, SignInUnavailableError } from './web-auth.errors.js';
import type { WebAuthOidcOptions } from './web-auth.types.js';
import { loadOpenIdClient } from './openid-client.loader.js';
import { SIGN_IN_TTL_SECONDS, type SignInState } from './session.util.js';

/** What the callback learnt about the person from the provider's ID token. */
export interface SignedInPerson {
  subject: string;
  email?: string;
  name?: string;
  groups: string[];
}

/**
 * The authorization code flow with PKCE through openid-client: the provider's metadata is
 * discovered on the first sign-in (and again after a failed discovery), the client authenticates
 * with its secret (HTTP Basic), and the ID token's signature, issuer, audience, expiry and nonce are
 * checked by openid-client; the state is checked against the one we kept in the sign-in cookie.
 */
export class OidcSignIn {
  private configuration: Promise<Configuration> | undefined;

  constructor(
    private readonly options: WebAuthOidcOptions,
    private readonly callbackUrl: string,
    private readonly groupsClaim: string,
  ) {}

  /** Where to send the browser, and what to keep until it comes back. */
  async start(returnTo: string, nowSeconds: number): Promise<{ url: URL; state: SignInState }> {
    const client = await loadOpenIdClient();
    const configuration = await this.discover();
    const verifier = client.randomPKCECodeVerifier();
    const state: SignInState = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier,
      returnTo,
      exp: nowSeconds + SIGN_IN_TTL_SECONDS,
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.callbackUrl,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: state.state,
      nonce: state.nonce,
    });
    return { url, state };
  }

  /** Exchanges the code of the callback URL for checked ID token claims; refuses anything that does not match. */
  async finish(callbackUrl: URL, state: SignInState): Promise<SignedInPerson> {
    const client = await loadOpenIdClient();
    const configuration = await this.discover();
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        expectedState: state.state,
        expectedNonce: state.nonce,
        pkceCodeVerifier: state.verifier,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      if (error instanceof TypeError || isProviderFault(error)) {
        throw new SignInUnavailableError('the identity provider could not be reached', { cause: error });
      }
      throw new SignInRefusedError(`sign-in response refused: ${describe(error)}`, { cause: error });
    }
    if (claims === undefined) throw new SignInRefusedError('sign-in response refused: no ID token');
    return personFromClaims(claims, this.groupsClaim);
  }

  /** The provider's end-session URL that brings the browser back to `returnTo`, if it has one. */
  async endSessionUrl(postLogoutRedirectUri: string): Promise<URL | undefined> {
    if (!this.options.endSession) return undefined;
    const client = await loadOpenIdClient();
    const configuration = await this.discover();
    if (configuration.serverMetadata().end_session_endpoint === undefined) return undefined;
    return client.buildEndSessionUrl(configuration, {
      client_id: this.options.clientId,
      post_logout_redirect_uri: postLogoutRedirectUri,
    });
  }

  private async discover(): Promise<Configuration> {
    const client = await loadOpenIdClient();
    const issuer = new URL(this.options.issuerUrl);
    this.configuration ??= client
      .discovery(
        issuer,
        this.options.clientId,
        undefined,
        client.ClientSecretBasic(this.options.clientSecret),
        // Plain http only for a provider on this machine (the local stack, tests); config enforces it.
        issuer.protocol === 'http:' && isSecureOrLoopback(issuer.href)
          ? { execute: [client.allowInsecureRequests] }
          : undefined,
      )
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw new SignInUnavailableError('the identity provider could not be reached', { cause: error });
      });
    return this.configuration;
  }
}

/** Who signed in, from the ID token's claims (`sub` required). */
export function personFromClaims(claims: Record<string, unknown>, groupsClaim: string): SignedInPerson {
  const { sub, email, email_verified: emailVerified, name } = claims;
  if (typeof sub !== 'string' || sub === '')
    throw new SignInRefusedError('sign-in response refused: no subject');
  // An address the provider has not verified names nobody: roles are given by address. Only a
  // boolean `true` is verified: a missing claim, `"true"` or `"false"` are not.
  const verified = typeof email === 'string' && email !== '' && emailVerified === true;
  const groups = claims[groupsClaim];
  return {
    subject: sub,
    ...(verified ? { email } : {}),
    ...(typeof name === 'string' && name !== '' ? { name: name.slice(0, 200) } : {}),
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
  };
}

/**
 * A 5xx from the provider's token or keys endpoint: its fault, not the response's, so the answer is a
 * 503 (try again), not a refusal. openid-client carries the status on its error or on the Response
 * it keeps as the cause.
 */
function isProviderFault(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') return status >= 500;
  return error.cause instanceof Response && error.cause.status >= 500;
}

function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { error: code, error_description: description } = error as Record<string, unknown>;
    if (typeof code === 'string') return typeof description === 'string' ? `${code} (${description})` : code;
  }
  if (!(error instanceof Error)) return 'unknown error';
  // openid-client's own errors say what kind of check failed; their cause says which one
  // (`unexpected "state" response parameter value`). Neither quotes the values compared.
  return error.cause instanceof Error && error.cause.message !== '' ? error.cause.message : error.message;
}
