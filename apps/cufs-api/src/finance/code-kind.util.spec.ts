import { describe, expect, it } from '@jest/globals';
import { recogniseKind } from './code-kind.util.js';

describe('recogniseKind', () => {
  it.each([
    ['U.PN.PNLI.AAAA.ELKZ.0000', 'gl'],
    ['u pn pnli aaaa elkz 0000', 'gl'],
    ['U-PN-PNLI', 'gl'],
    ['U.PN.PN#I.AAAA.ELKZ.0000', 'gl'],
    ['ZZAG001/RG12345/1/other costs', 'grant'],
    [' zzag001 / rg12345 / 1 / Other Costs ', 'grant'],
    ['ZZAG001/RG12345', 'grant'],
    ['PN100001', 'purchase-order'],
    [' pn100001 ', 'purchase-order'],
    ['PN 100001', 'purchase-order'],
    ['pn-100001', 'purchase-order'],
    ['PN.100001', 'gl'],
    ['PN 10A001', 'gl'],
    ['', null],
    ['   ', null],
    ['PN#100001', null],
    ['U.PN.PNLI.AAAA.ELKZ.0000 ✓', null],
    ['café', null],
  ])('%j is %s', (code, kind) => {
    expect(recogniseKind(code)).toBe(kind);
  });
});
