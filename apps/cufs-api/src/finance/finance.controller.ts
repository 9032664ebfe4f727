import { Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@app/openapi';
import { Roles } from '@app/auth';
import { ZodBody, ZodQuery, ZodValidationPipe } from '@app/validation';
import type { z } from 'zod';
import { CufsUnavailableFilter } from './cufs-unavailable.filter.js';
import { FinanceCheckService } from './finance-check.service.js';
import {
  type CheckBody,
  checkBodySchema,
  purchaseOrderParamsSchema,
  purchaseOrderQuerySchema,
} from './finance.schemas.js';
import type { CheckAnswer } from './finance.types.js';

/**
 * The checks, for other services (storage-gateway): the `job` role is the service-to-service
 * callers' (JOB_TOKEN locally, service accounts in JOB_ALLOWED_EMAILS in the cloud).
 */
@ApiTags('finance')
@Controller()
@Roles('job')
@UseFilters(CufsUnavailableFilter)
@ApiResponse({
  status: 200,
  description: '{ valid, kind, normalised, description, parts, problems }: every problem found',
})
@ApiResponse({
  status: 400,
  description: 'Bad input: { message, problems: [{ field, message }] }; CUFS was not asked',
})
@ApiResponse({ status: 401, description: 'No credentials, or credentials we do not know' })
@ApiResponse({ status: 403, description: 'A caller that is not one of the allowed services' })
@ApiResponse({
  status: 503,
  description:
    'CUFS could not be reached: the code was not checked (neither valid nor invalid); Retry-After says when to try again',
})
export class FinanceController {
  constructor(private readonly checks: FinanceCheckService) {}

  @Post('finance-codes/check')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Can this be charged? A GL code, grant code or purchase order, checked locally then against CUFS; 503 with Retry-After when CUFS cannot say',
  })
  check(@ZodBody(checkBodySchema) body: CheckBody): Promise<CheckAnswer> {
    return this.checks.check(body);
  }

  @Get('purchase-orders/:number')
  @ApiOperation({
    summary: 'A purchase order: approved, made out to the storage service, with at least ?amount= pence left',
  })
  purchaseOrder(
    @Param(
      new ZodValidationPipe(purchaseOrderParamsSchema, 'query', {
        message: 'The purchase order number is not valid',
      }),
    )
    { number }: z.output<typeof purchaseOrderParamsSchema>,
    @ZodQuery(purchaseOrderQuerySchema) { amount }: z.output<typeof purchaseOrderQuerySchema>,
  ): Promise<CheckAnswer> {
    return this.checks.checkPurchaseOrder(number, amount);
  }
}
