import { applyDecorators, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
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
  type InstanceAction,
  type InstanceActionResult,
  type ProgramAction,
  type ProgramActionResult,
  ProcessesService,
} from './processes.service.js';

/**
 * The actions: each is `POST`, answers 200, is for operators only and is audited with the body's
 * reason. One row per route: its summary in the OpenAPI document (the path is the action's name).
 */
const PROGRAM_ACTIONS: Readonly<Record<ProgramAction, string>> = {
  start: 'Start one program (failover rule applies); audited with the reason',
  stop: 'Stop one program; audited with the reason',
  restart: 'Stop (if running) and start one program (failover rule applies); audited',
};
const INSTANCE_ACTIONS: Readonly<Record<InstanceAction, string>> = {
  start: 'Start every program of the instance (failover rule applies); audited',
  stop: 'Stop every program of the instance; audited with the reason',
};

/** The path's instance name, checked (400 naming `name`). */
const instanceOf = (name: string): string => parseParam(instanceName, name, 'name');

/** The path's instance and program names, checked (400 naming the parameter). */
const programOf = (name: string, program: string): [string, string] => [
  instanceOf(name),
  parseParam(programName, program, 'program'),
];

/**
 * An action's route: `POST <path>`, 200, operators only, its summary, and its parameters in order:
 * the path's `:name` (and `:program`), the body (`actionBodySchema`: reason, partnerDown) and the caller.
 */
function ActionRoute(path: string, summary: string, pathParams: readonly string[]): MethodDecorator {
  const route = applyDecorators(Post(path), HttpCode(200), Roles('operator'), ApiOperation({ summary }));
  return (target, key, descriptor) => {
    // Last parameter first, as TypeScript applies parameter decorators (the OpenAPI order follows).
    CurrentPrincipal()(target, key, pathParams.length + 1);
    ZodBody(actionBodySchema)(target, key, pathParams.length);
    for (let index = pathParams.length - 1; index >= 0; index--) Param(pathParams[index])(target, key, index);
    route(target, key, descriptor);
  };
}

/** `POST /instances/:name/processes/:program/<action>`: `(name, program, body, principal)`. */
const ProgramActionRoute = (action: ProgramAction) =>
  ActionRoute(`processes/:program/${action}`, PROGRAM_ACTIONS[action], ['name', 'program']);

/** `POST /instances/:name/<action>`, every program of the instance: `(name, body, principal)`. */
const InstanceActionRoute = (action: InstanceAction) =>
  ActionRoute(action, INSTANCE_ACTIONS[action], ['name']);

@ApiTags('processes')
@Controller('instances/:name')
export class ProcessesController {
  constructor(private readonly processes: ProcessesService) {}

  @Get('processes')
  @Roles('viewer', 'operator')
  @ApiOperation({ summary: "supervisord's state and every program's (state, uptime, pid, description)" })
  list(@Param('name') name: string): Promise<ProcessesView> {
    return this.processes.list(instanceOf(name));
  }

  @Get('processes/:program/log')
  @Roles('viewer', 'operator')
  @ApiOperation({ summary: "The tail of a program's stdout log (`bytes`, default 16384)" })
  log(
    @Param('name') name: string,
    @Param('program') program: string,
    @ZodQuery(logQuerySchema) query: z.output<typeof logQuerySchema>,
  ): Promise<{ program: string; text: string; overflow: boolean }> {
    return this.processes.tail(...programOf(name, program), query.bytes);
  }

  @ProgramActionRoute('start')
  start(name: string, program: string, body: ActionBody, principal: Principal): Promise<ProgramActionResult> {
    return this.processes.actOnProgram(...programOf(name, program), 'start', body, actorOf(principal));
  }

  @ProgramActionRoute('stop')
  stop(name: string, program: string, body: ActionBody, principal: Principal): Promise<ProgramActionResult> {
    return this.processes.actOnProgram(...programOf(name, program), 'stop', body, actorOf(principal));
  }

  @ProgramActionRoute('restart')
  restart(
    name: string,
    program: string,
    body: ActionBody,
    principal: Principal,
  ): Promise<ProgramActionResult> {
    return this.processes.actOnProgram(...programOf(name, program), 'restart', body, actorOf(principal));
  }

  @InstanceActionRoute('start')
  startAll(name: string, body: ActionBody, principal: Principal): Promise<InstanceActionResult> {
    return this.processes.actOnInstance(instanceOf(name), 'start', body, actorOf(principal));
  }

  @InstanceActionRoute('stop')
  stopAll(name: string, body: ActionBody, principal: Principal): Promise<InstanceActionResult> {
    return this.processes.actOnInstance(instanceOf(name), 'stop', body, actorOf(principal));
  }
}
