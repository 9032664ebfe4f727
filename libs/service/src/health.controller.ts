import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Module,
  Optional,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@app/openapi';
import { Public } from '@app/auth';
import { PrismaService } from '@app/db';
import { READINESS_REPORTERS, type ReadinessReporter } from './readiness.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    @Optional() @Inject(READINESS_REPORTERS) private readonly reporters: ReadinessReporter[] = [],
  ) {}

  @Get('healthz')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process serves HTTP (no database call)' })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Public()
  @ApiOperation({
    summary:
      'Readiness: the database answers (and what the app reports on the systems it calls, which never fails it)',
  })
  async readyz(): Promise<{ status: 'ok'; database: 'ok' } & Record<string, string>> {
    const reports = Promise.all(
      this.reporters.map(async (reporter) => [reporter.name, await reporter.report()] as const),
    );
    try {
      await Promise.race([
        this.prisma.$queryRaw`SELECT 1`,
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000).unref()),
      ]);
    } catch {
      throw new ServiceUnavailableException({
        statusCode: 503,
        status: 'unavailable',
        database: 'unreachable',
      });
    }
    return { ...Object.fromEntries(await reports), status: 'ok', database: 'ok' };
  }
}

@Module({ controllers: [HealthController] })
export class HealthModule {}
