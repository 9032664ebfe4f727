import { Module } from '@nestjs/common';
import { CUFS_API_CONFIG, type CufsApiConfig } from '../config.js';
import { CufsModule } from '../cufs/cufs.module.js';
import { FinanceController } from './finance.controller.js';
import { FinanceCheckService } from './finance-check.service.js';
import type { ChargeRules } from './finance.types.js';
import { CHARGE_RULES, CLOCK } from './finance.tokens.js';

export function chargeRulesFrom(config: CufsApiConfig): ChargeRules {
  return {
    allowedTransactionCategories: config.FINANCE_ALLOWED_TRANSACTION_CATEGORIES,
    allowedFundsCategories: config.FINANCE_ALLOWED_FUNDS_CATEGORIES,
    purchaseOrderSupplier: config.FINANCE_PO_SUPPLIER,
  };
}

/** POST /finance-codes/check and GET /purchase-orders/:number. */
@Module({
  imports: [CufsModule],
  controllers: [FinanceController],
  providers: [
    FinanceCheckService,
    { provide: CHARGE_RULES, inject: [CUFS_API_CONFIG], useFactory: chargeRulesFrom },
    { provide: CLOCK, useValue: Date.now },
  ],
})
export class FinanceModule {}
