import { Controller, Get, Param, Put, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@app/openapi';
import { CurrentPrincipal, type Principal, Roles } from '@app/auth';
import type { JobRunRecord } from '@app/jobs';
import { limitQuery, ZodBody, ZodQuery } from '@app/validation';
import type { Response } from 'express';
import { z } from 'zod';
import { collegeInputSchema, type CollegeInput, type CollegeView } from './college.types.js';
import { CollegesService, toView } from './colleges.service.js';

const importsQuery = z.strictObject({ limit: limitQuery({ default: 20, max: 100 }) });

@ApiTags('colleges')
@Controller('colleges')
@Roles('operator', 'job')
export class CollegesController {
  constructor(private readonly colleges: CollegesService) {}

  @Get()
  @ApiOperation({ summary: 'Every College with its sheet and when it was last imported' })
  list(): Promise<CollegeView[]> {
    return this.colleges.list();
  }

  @Get(':collegeId')
  async get(@Param('collegeId') collegeId: string): Promise<CollegeView> {
    return toView(await this.colleges.get(collegeId));
  }

  @Put(':collegeId')
  @Roles('operator')
  @ApiOperation({ summary: 'Create (201) or update (200) a College; audited' })
  async put(
    @Param('collegeId') collegeId: string,
    @ZodBody(collegeInputSchema, { message: 'The College is not valid' }) input: CollegeInput,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CollegeView> {
    const result = await this.colleges.put(collegeId, input, principal.email ?? principal.subject);
    response.status(result.created ? 201 : 200);
    return result.college;
  }

  @Get(':collegeId/imports')
  @ApiOperation({ summary: 'Recent imports of the College, newest first, with their findings' })
  imports(
    @Param('collegeId') collegeId: string,
    @ZodQuery(importsQuery) query: z.output<typeof importsQuery>,
  ): Promise<JobRunRecord[]> {
    return this.colleges.imports(collegeId, query.limit);
  }
}
