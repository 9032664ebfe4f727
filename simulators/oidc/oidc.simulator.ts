import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { z } from 'zod';
import { parseSeedJson, Simulator, type SimulatorBaseOptions } from '../common/simulator.js';

/** A person who can sign in: chosen from a list, no password (the simulator stands in for the university's provider). */
export interface OidcPerson {
  /** The `sub` claim. */
  id: string;
  name: string;
  email: string;
  groups: string[];
}

/** A relying party (one of our apps) registered with the provider. */
export interface OidcClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

export interface OidcSimulatorOptions extends SimulatorBaseOptions {
  clients: OidcClient[];
}

const peopleSchema = z.array(
  z.strictObject({
    id: z.string().min(1).max(255),
    name: z.string().min(1).max(200),
    email: z.email(),
    groups: z.array(z.string().min(1).max(200)),
  }),
);

/**
 * A real OpenID Connect provider (npm `oidc-provider`) with a login page that lists its people:
 * choosing one completes a genuine authorization code flow (PKCE required, signed ID tokens,
 * discovery, JWKS, end-session). ID tokens carry `email`, `email_verified`, `name` and `groups`
 * (the groups with the `profile` scope). The issuer is the simulator's own URL, so the provider is
 * made on the first request after `start()`.
 */
export class OidcSimulator extends Simulator<OidcPerson[]> {
  people: OidcPerson[] = [];
  private provider: Promise<Provider> | undefined;

  constructor(readonly options: OidcSimulatorOptions) {
    super('oidc', options);
  }

  seed(people: OidcPerson[]): void {
    this.people = people;
  }

  parseSeed(json: unknown): OidcPerson[] {
    return parseSeedJson(peopleSchema, json, 'OIDC simulator');
  }

  /** The issuer URL relying parties discover (`<issuer>/.well-known/openid-configuration`). */
  get issuer(): string {
    return this.url;
  }

  override async close(): Promise<void> {
    this.provider = undefined;
    await super.close();
  }

  protected routes(app: Express): void {
    const form = express.urlencoded({ extended: false, limit: '10kb' });
    const handle =
      (work: (provider: Provider, req: Request, res: Response) => Promise<void>) =>
      (req: Request, res: Response, next: NextFunction) => {
        this.getProvider()
          .then((provider) => work(provider, req, res), next)
          .catch(next);
      };
    app.get(
      '/interaction/:uid',
      handle(async (provider, req, res) => {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name === 'consent') {
          await this.grantEverythingAsked(provider, req, res);
          return;
        }
        res.type('html').send(loginPage(details.uid, this.people));
      }),
    );
    app.post(
      '/interaction/:uid/login',
      form,
      handle(async (provider, req, res) => {
        const chosen = (req.body as Record<string, unknown>)['person'];
        const person = this.people.find((p) => p.id === chosen);
        if (person === undefined) {
          res.status(400).type('text').send('choose one of the people listed');
          return;
        }
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: person.id } },
          {
            mergeWithLastSubmission: false,
          },
        );
      }),
    );
    app.use(
      handle(async (provider, req, res) => {
        provider.callback()(req as IncomingMessage, res as ServerResponse);
        await Promise.resolve();
      }),
    );
  }

  /** Our apps are first-party clients: the scopes they ask for are granted without a consent page. */
  private async grantEverythingAsked(provider: Provider, req: Request, res: Response): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const { client_id: clientId, scope } = details.params;
    const session = (details as unknown as { session?: { accountId?: string } }).session;
    if (typeof clientId !== 'string' || session?.accountId === undefined) {
      res.status(400).type('text').send('interaction without a client or a signed-in person');
      return;
    }
    const grant = new provider.Grant({ clientId, accountId: session.accountId });
    grant.addOIDCScope(typeof scope === 'string' ? scope : 'openid');
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  private getProvider(): Promise<Provider> {
    this.provider ??= this.makeProvider().catch((error: unknown) => {
      this.provider = undefined;
      throw error;
    });
    return this.provider;
  }

  private async makeProvider(): Promise<Provider> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const signingKey = { ...(await exportJWK(privateKey)), kid: 'sim-1', alg: 'RS256', use: 'sig' };
    const configuration: Configuration = {
      clients: this.options.clients.map((client) => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      })),
      jwks: { keys: [signingKey] },
      cookies: { keys: [randomBytes(24).toString('base64url')] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
      // Like Google's and most providers', the ID token carries the claims of the granted scopes.
      conformIdTokenClaims: false,
      // Seconds; short, as a test or a local session needs (and set, so the provider does not warn).
      ttl: {
        Interaction: 600,
        Session: 8 * 3600,
        Grant: 8 * 3600,
        AuthorizationCode: 60,
        AccessToken: 600,
        IdToken: 600,
      },
      pkce: { required: () => true },
      findAccount: (_ctx, id) => {
        const person = this.people.find((p) => p.id === id);
        return Promise.resolve(
          person === undefined
            ? undefined
            : {
                accountId: person.id,
                claims: () => ({
                  sub: person.id,
                  email: person.email,
                  email_verified: true,
                  name: person.name,
                  groups: person.groups,
                }),
              },
        );
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      loadExistingGrant: async (ctx) => {
        const clientId = ctx.oidc.client?.clientId;
        const grantId =
          ctx.oidc.result?.consent?.grantId ??
          (clientId === undefined ? undefined : ctx.oidc.session?.grantIdFor(clientId));
        return grantId === undefined ? undefined : ctx.oidc.provider.Grant.find(grantId);
      },
      renderError: (ctx, out) => {
        ctx.type = 'html';
        ctx.body = page('Sign-in error', `<pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`);
        return Promise.resolve();
      },
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: (ctx: KoaContextWithOIDC, logoutForm: string) => {
            ctx.body = page(
              'Sign out',
              `${logoutForm}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
            );
            return Promise.resolve();
          },
          postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
            ctx.body = page('Signed out', '<p>You are signed out.</p>');
            return Promise.resolve();
          },
        },
      },
    };
    const provider = new Provider(this.issuer, configuration);
    provider.on('server_error', (_ctx, error) => {
      process.stderr.write(`oidc simulator: ${String(error)}\n`);
    });
    return provider;
  }
}

function loginPage(uid: string, people: OidcPerson[]): string {
  const buttons = people
    .map(
      (person) =>
        `<li><button type="submit" name="person" value="${escapeHtml(person.id)}">${escapeHtml(person.name)}</button> ` +
        `${escapeHtml(person.email)}${person.groups.length > 0 ? ` (${escapeHtml(person.groups.join(', '))})` : ''}</li>`,
    )
    .join('\n');
  return page(
    'Sign in (local provider)',
    `<p>Local test provider: choose who you are. No password is asked.</p>
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login"><ul>
${buttons}
</ul></form>`,
  );
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
