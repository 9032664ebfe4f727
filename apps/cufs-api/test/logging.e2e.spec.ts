import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  caller,
  CUFS_CLIENT,
  type CufsApiHarness,
  DATE,
  JOB_TOKEN,
  startCufsApiHarness,
} from './cufs-api.harness.js';

describe('cufs-api logs: what went wrong, never the code, a token or a secret', () => {
  let t: CufsApiHarness;
  const lines: string[] = [];

  beforeAll(async () => {
    t = await startCufsApiHarness({}, lines);
  });
  afterAll(() => t.close());

  it('logs CUFS retries and failures by kind of read and status only', async () => {
    const codes = ['U.PN.PNLI.AAAA.ELKZ.0000', 'ZZAG001/RG12345/1/other costs', 'PN100004'];
    t.cufs.control.addFault({ path: '/api/v1', status: 503 });
    for (const code of codes) {
      await t.server().post('/finance-codes/check').set(caller).send({ code, date: DATE }).expect(503);
    }
    t.cufs.reset();
    await t.server().get('/purchase-orders/PN100004?amount=50000').set(caller).expect(200);
    const log = lines.join('\n');
    expect(log).toContain('cufs_retry');
    expect(log).toContain('cufs_unavailable');
    expect(log).toContain('HTTP 503');
    for (const secret of [
      ...codes,
      'PNLI',
      'ZZAG001',
      'PN100004',
      'other costs',
      JOB_TOKEN,
      CUFS_CLIENT.clientSecret,
      Buffer.from(`${CUFS_CLIENT.clientId}:${CUFS_CLIENT.clientSecret}`).toString('base64'),
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});
