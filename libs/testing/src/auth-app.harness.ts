import { Controller, type DynamicModule, Get, type INestApplication, Req } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CurrentPrincipal, type Principal, Public, type RequestWithPrincipal, Roles } from '@app/auth';

/**
 * The routes every auth spec exercises: a default (job) route, an operator route, an either route,
 * an export-or-operator route, a viewer-or-operator route, a public one.
 */
@Controller()
export class AuthTestController {
  @Get('job')
  job(@CurrentPrincipal() principal: Principal, @Req() request: RequestWithPrincipal) {
    return { principal, onRequest: request.principal };
  }

  @Roles('operator')
  @Get('operator')
  operator(@CurrentPrincipal() principal: Principal) {
    return { principal };
  }

  @Roles('job', 'operator')
  @Get('either')
  either(@CurrentPrincipal() principal: Principal) {
    return { principal };
  }

  @Roles('export', 'operator')
  @Get('export')
  export(@CurrentPrincipal() principal: Principal) {
    return { principal };
  }

  @Roles('viewer', 'operator')
  @Get('view')
  view(@CurrentPrincipal() principal: Principal) {
    return { principal };
  }

  @Public()
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }
}

/** A tiny Nest app with the auth module under test and {@link AuthTestController}; caller closes it. */
export async function createAuthTestApp(authModule: DynamicModule): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [authModule],
    controllers: [AuthTestController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}
