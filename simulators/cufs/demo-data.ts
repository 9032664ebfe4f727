import type { SimCufsSeed, SimCufsValue } from './cufs.simulator.js';

/** The supplier name the demo purchase orders for research storage are made out to. */
export const DEMO_STORAGE_SUPPLIER = 'University Information Services';

const value = (
  set: SimCufsValue['set'],
  code: string,
  description: string,
  extra: Partial<Pick<SimCufsValue, 'enabled' | 'startDate' | 'endDate' | 'parent'>> = {},
): SimCufsValue => ({
  set,
  value: code,
  description,
  enabled: extra.enabled ?? true,
  startDate: extra.startDate ?? '2000-01-01',
  endDate: extra.endDate ?? null,
  parent: extra.parent ?? null,
});

/**
 * Demo data for the local stack and tests: a few departments, cost centres, sources of funds,
 * transaction codes, grants and purchase orders, valid and invalid, each invalid one for one reason.
 *
 * Valid: `U.PN.PNLI.AAAA.ELKZ.0000`, `U.CH.CHAA.GAAA.FAAA.0000`, `ZZAG001/RG12345/1/other costs`,
 * purchase order `PN100001` (up to £5,000.00).
 */
export function demoCufsData(): SimCufsSeed {
  return {
    values: [
      value('department', 'PN', 'Department of Physics'),
      value('department', 'CH', 'Yusuf Hamied Department of Chemistry'),
      value('department', 'ZZ', 'Department of Demonstrations (disabled)', { enabled: false }),
      value('department', 'OL', 'Old Department (closed 2020)', { endDate: '2020-07-31' }),
      value('cost-centre', 'PNLI', 'Physics: Research Computing', { parent: 'PN' }),
      value('cost-centre', 'PNAB', 'Physics: Astrophysics (disabled)', { parent: 'PN', enabled: false }),
      value('cost-centre', 'PNEX', 'Physics: Experimental (ended 2021)', {
        parent: 'PN',
        endDate: '2021-07-31',
      }),
      value('cost-centre', 'PNCH', 'Physics: Chemistry liaison', { parent: 'CH' }),
      value('cost-centre', 'CHAA', 'Chemistry: Administration', { parent: 'CH' }),
      value('cost-centre', 'CHNW', 'Chemistry: New building (from 2099)', {
        parent: 'CH',
        startDate: '2099-01-01',
      }),
      value('cost-centre', 'ZZAA', 'Demonstrations: General', { parent: 'ZZ' }),
      value('source-of-funds', 'AAAA', 'Chest: general'),
      value('source-of-funds', 'GAAA', 'Self-supporting activities'),
      value('source-of-funds', 'MAAA', 'Research grants'),
      value('source-of-funds', '0AAA', 'Balance sheet'),
      value('source-of-funds', 'AZZZ', 'Chest: closed fund', { enabled: false }),
      value('transaction-code', 'ELKZ', 'Computer services and storage'),
      value('transaction-code', 'EAAA', 'Consumables'),
      value('transaction-code', 'FAAA', 'Equipment'),
      value('transaction-code', 'AAAA', 'Salaries'),
      value('transaction-code', 'HAAA', 'Research grant income'),
      value('transaction-code', 'EOLD', 'Old storage charges (ended 2019)', { endDate: '2019-07-31' }),
    ],
    projects: [
      {
        projectNumber: 'ZZAG001',
        name: 'Dark matter survey',
        status: 'ACTIVE',
        startDate: '2024-01-01',
        endDate: '2029-12-31',
        awards: [
          { awardNumber: 'RG12345', status: 'ACTIVE', startDate: '2024-01-01', endDate: '2028-12-31' },
          { awardNumber: 'G67890', status: 'ACTIVE', startDate: '2020-01-01', endDate: '2023-12-31' },
          { awardNumber: 'RG99999', status: 'CLOSED', startDate: '2024-01-01', endDate: '2028-12-31' },
        ],
        tasks: [
          { taskNumber: '1', chargeable: true, status: 'ACTIVE' },
          { taskNumber: '2', chargeable: false, status: 'ACTIVE' },
          { taskNumber: '3', chargeable: true, status: 'CLOSED' },
        ],
        expenditureTypes: ['other costs', 'equipment', 'consumables'],
      },
      {
        projectNumber: 'ZZAG002',
        name: 'Finished project',
        status: 'CLOSED',
        startDate: '2015-01-01',
        endDate: '2019-12-31',
        awards: [
          { awardNumber: 'RG11111', status: 'CLOSED', startDate: '2015-01-01', endDate: '2019-12-31' },
        ],
        tasks: [{ taskNumber: '1', chargeable: true, status: 'CLOSED' }],
        expenditureTypes: ['other costs'],
      },
    ],
    purchaseOrders: [
      order('PN100001', 'APPROVED', DEMO_STORAGE_SUPPLIER, 500_000, 500_000),
      order('PN100002', 'OPEN', DEMO_STORAGE_SUPPLIER, 500_000, 500_000),
      order('PN100003', 'CLOSED', DEMO_STORAGE_SUPPLIER, 500_000, 0),
      order('PN100004', 'APPROVED', DEMO_STORAGE_SUPPLIER, 500_000, 1_000),
      order('PN100005', 'CANCELLED', DEMO_STORAGE_SUPPLIER, 500_000, 500_000),
      order('CH200001', 'APPROVED', 'Laboratory Supplies Ltd', 200_000, 200_000),
    ],
  };
}

function order(
  number: string,
  status: 'APPROVED' | 'OPEN' | 'CLOSED' | 'CANCELLED',
  supplier: string,
  amount: number,
  remaining: number,
) {
  return { number, status, supplier, department: number.slice(0, 2), currency: 'GBP', amount, remaining };
}
