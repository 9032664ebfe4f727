import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { Express } from 'express';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import request from 'supertest';
import { z } from 'zod';
import { AuthModule } from '@app/auth';
import { parseSeedJson, Simulator, type SimulatorControl } from '../../../simulators/common/simulator.js';
import { createAuthTestApp } from './auth-app.harness.js';

export const AUDIENCE = 'https://jobs-abc123-nw.a.run.app';
export const JOB_EMAIL = 'scheduler@project.iam.gserviceaccount.com';
export const OPERATOR_EMAIL = 'operator@uni.example.ac.uk';
export const SUBJECT = '109876543210987654321';

export type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface TokenSpec {
  claims?: Record<string, unknown>;
  omit?: string[];
  key?: KeyPair;
  kid?: string;
}

const jwksSchema = z.array(z.looseObject({ kty: z.string(), kid: z.string().optional() }));

/** Google's certs endpoint (`/certs`, a JWKS): serves the keys it is seeded with. */
export class GoogleKeysSimulator extends Simulator<JWK[]> {
  keys: JWK[] = [];

  constructor() {
    super('google-keys');
  }

  seed(keys: JWK[]): void {
    this.keys = keys;
  }

  parseSeed(json: unknown): JWK[] {
    return parseSeedJson(jwksSchema, json, 'Google keys simulator');
  }

  protected routes(app: Express): void {
    app.get('/certs', (_req, res) => {
      res.json({ keys: this.keys });
    });
  }
}

/**
 * Google's side of oidc mode for tests: RSA keys made here, a JWKS endpoint on 127.0.0.1 whose
 * fetches are counted, and a signer of ID tokens shaped like Google's (valid unless told otherwise).
 */
export class FakeGoogleKeys {
  private constructor(
    private readonly simulator: GoogleKeysSimulator,
    readonly googleKey: KeyPair,
    readonly rotatedKey: KeyPair,
    readonly strangerKey: KeyPair,
  ) {}

  static async start(): Promise<FakeGoogleKeys> {
    const [google, rotated, stranger] = await Promise.all([
      generateKeyPair('RS256'),
      generateKeyPair('RS256'),
      generateKeyPair('RS256'),
    ]);
    const simulator = new GoogleKeysSimulator();
    await simulator.start();
    return new FakeGoogleKeys(simulator, google, rotated, stranger);
  }

  get control(): SimulatorControl {
    return this.simulator.control;
  }

  /** The keys `/certs` serves; tests replace them to rotate keys. */
  get served(): JWK[] {
    return this.simulator.keys;
  }

  set served(keys: JWK[]) {
    this.simulator.seed(keys);
  }

  get jwksUrl(): string {
    return `${this.simulator.url}/certs`;
  }

  fetches(): number {
    return this.control.callCount({ path: '/certs' });
  }

  async reset(): Promise<void> {
    this.control.reset();
    this.served = [await jwkOf(this.googleKey, 'key-1')];
  }

  close(): Promise<void> {
    return this.simulator.close();
  }

  async sign({
    claims = {},
    omit = [],
    key = this.googleKey,
    kid = 'key-1',
  }: TokenSpec = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      iss: 'https://accounts.google.com',
      aud: AUDIENCE,
      sub: SUBJECT,
      email: JOB_EMAIL,
      email_verified: true,
      iat: now,
      exp: now + 3600,
      ...claims,
    };
    for (const claim of omit) delete payload[claim];
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(key.privateKey);
  }

  startApp(jwksCooldownMs?: number): Promise<INestApplication> {
    return createAuthTestApp(
      AuthModule.forRoot({
        mode: 'oidc',
        audience: AUDIENCE,
        jobEmails: [JOB_EMAIL],
        operatorEmails: [OPERATOR_EMAIL],
        jwksUrl: this.jwksUrl,
        ...(jwksCooldownMs === undefined ? {} : { jwksCooldownMs }),
      }),
    );
  }
}

export async function jwkOf(pair: KeyPair, kid: string): Promise<JWK> {
  return { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
}

export function callWithToken(app: INestApplication, token: string | undefined, path = '/job') {
  const pending = request(app.getHttpServer() as Server).get(path);
  return token === undefined ? pending : pending.set('Authorization', `Bearer ${token}`);
}
