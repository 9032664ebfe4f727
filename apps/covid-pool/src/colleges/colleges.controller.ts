import { BadRequestException, Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/auth';
import type { JobRunRecord } from '@app/jobs';
import type { Response } from 'express';
import type { CollegeView } from './college.types.js';
import { CollegesService, toView } from './colleges.service.js';

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
  @ApiOperation({ summary: 'Create or update a College: { name, spreadsheetId, active }' })
  async put(
    @Param('collegeId') collegeId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CollegeView> {
    const result = await this.colleges.put(collegeId, body, principal.email ?? principal.subject);
    response.status(result.created ? 201 : 200);
    return result.college;
  }

  @Get(':collegeId/imports')
  @ApiOperation({ summary: 'Recent imports of the College, newest first, with their findings' })
  imports(@Param('collegeId') collegeId: string, @Query('limit') limit?: string): Promise<JobRunRecord[]> {
    const take = limit === undefined ? 20 : Number(limit);
    if (!Number.isInteger(take) || take < 1 || take > 100) {
      throw new BadRequestException('limit must be a whole number from 1 to 100');
    }
    return this.colleges.imports(collegeId, take);
  }
}
