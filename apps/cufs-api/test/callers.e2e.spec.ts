import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CufsApiHarness, DATE, startCufsApiHarness } from './cufs-api.harness.js';

const GATEWAY = 'storage-gateway@uni-platform.iam.gserviceaccount.com';
const OTHER = 'someone-else@uni-platform.iam.gserviceaccount.com';

/** An ID token as Cloud Run forwards it after its invoker check: payload intact, signature removed. */
const forwarded = (email: string) => {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `Bearer ${encode({ alg: 'RS256', kid: 'k', typ: 'JWT' })}.${encode({ sub: '1', email, email_verified: true })}.SIGNATURE_REMOVED_BY_GOOGLE`;
};

describe('cufs-api callers in the cloud (JOB_AUTH_MODE=iam): only the allowed service accounts', () => {
  let t: CufsApiHarness;

  beforeAll(async () => {
    t = await startCufsApiHarness({ JOB_AUTH_MODE: 'iam', JOB_ALLOWED_EMAILS: GATEWAY });
  });
  afterAll(() => t.close());

  it('answers the allowed service account', async () => {
    const response = await t
      .server()
      .post('/finance-codes/check')
      .set('Authorization', forwarded(GATEWAY))
      .send({ code: 'PN100001', date: DATE })
      .expect(200);
    expect(response.body.valid).toBe(true);
  });

  it('refuses another service account (403) and a call without identity (401), before asking CUFS', async () => {
    t.reset();
    const refused = await t
      .server()
      .post('/finance-codes/check')
      .set('Authorization', forwarded(OTHER))
      .send({ code: 'PN100001' })
      .expect(403);
    expect(refused.body.message).toContain(OTHER);
    await t.server().get('/purchase-orders/PN100001').set('Authorization', forwarded(OTHER)).expect(403);
    await t.server().post('/finance-codes/check').send({ code: 'PN100001' }).expect(401);
    expect(t.cufsReads()).toBe(0);
  });
});
