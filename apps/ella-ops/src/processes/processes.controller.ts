import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, type Principal, Roles } from '@app/auth';
import { ApiOperation, ApiTags } from '@app/openapi';
import { ZodBody, ZodQuery } from '@app/validation';
import type { z } from 'zod';
import { actorOf } from '../audit/ella-audit.js';
import { parseParam } from '../api/param.util.js';
import { instanceName } from '../instances/instance.types.js';
import {
  type ActionBody,
  actionBodySchema,
  logQuerySchema,
  type ProcessesView,
  programName,
} from './process.types.js';
import {
  type InstanceActionResult,
  type ProgramActionResult,
  ProcessesService,
} from './processes.service.js';

@ApiTags('processes')
@Controller('instances/:name')
export class ProcessesController {
  constructor(private readonly processes: ProcessesService) {}

  @Get('processes')
  @Roles('viewer', 'operator')
  @ApiOperation({ summary: "supervisord's state and every program's (state, uptime, pid, description)" })
  list(@Param('name') name: string): Promise<ProcessesView> {
    return this.processes.list(parseParam(instanceName, name, 'name'));
  }

  @Get('processes/:program/log')
  @Roles('viewer', 'operator')
  @ApiOperation({ summary: "The tail of a program's stdout log (`bytes`, default 16384)" })
  log(
    @Param('name') name: string,
    @Param('program') program: string,
    @ZodQuery(logQuerySchema) query: z.output<typeof logQuerySchema>,
  ): Promise<{ program: string; text: string; overflow: boolean }> {
    return this.processes.tail(
      parseParam(instanceName, name, 'name'),
      parseParam(programName, program, 'program'),
      query.bytes,
    );
  }

  @Post('processes/:program/start')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Start one program (failover rule applies); audited with the reason' })
  start(
    @Param('name') name: string,
    @Param('program') program: string,
    @ZodBody(actionBodySchema) body: ActionBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProgramActionResult> {
    return this.program(name, program, 'start', body, principal);
  }

  @Post('processes/:program/stop')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Stop one program; audited with the reason' })
  stop(
    @Param('name') name: string,
    @Param('program') program: string,
    @ZodBody(actionBodySchema) body: ActionBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProgramActionResult> {
    return this.program(name, program, 'stop', body, principal);
  }

  @Post('processes/:program/restart')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Stop (if running) and start one program (failover rule applies); audited' })
  restart(
    @Param('name') name: string,
    @Param('program') program: string,
    @ZodBody(actionBodySchema) body: ActionBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProgramActionResult> {
    return this.program(name, program, 'restart', body, principal);
  }

  @Post('start')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Start every program of the instance (failover rule applies); audited' })
  startAll(
    @Param('name') name: string,
    @ZodBody(actionBodySchema) body: ActionBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InstanceActionResult> {
    return this.processes.actOnInstance(
      parseParam(instanceName, name, 'name'),
      'start',
      body,
      actorOf(principal),
    );
  }

  @Post('stop')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Stop every program of the instance; audited with the reason' })
  stopAll(
    @Param('name') name: string,
    @ZodBody(actionBodySchema) body: ActionBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InstanceActionResult> {
    return this.processes.actOnInstance(
      parseParam(instanceName, name, 'name'),
      'stop',
      body,
      actorOf(principal),
    );
  }

  private program(
    name: string,
    program: string,
    action: 'start' | 'stop' | 'restart',
    body: ActionBody,
    principal: Principal,
  ): Promise<ProgramActionResult> {
    return this.processes.actOnProgram(
      parseParam(instanceName, name, 'name'),
      parseParam(programName, program, 'program'),
      action,
      body,
      actorOf(principal),
    );
  }
}
