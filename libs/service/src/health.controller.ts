import { Controller, Get, HttpCode, Module, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@app/openapi';
import { Public } from '@app/auth';
import { PrismaService } from '@app/db';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly prisma: PrismaService) {}

  @Get('healthz')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process serves HTTP (no database call)' })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Public()
  @ApiOperation({ summary: 'Readiness: the database answers' })
  async readyz(): Promise<{ status: 'ok'; database: 'ok' }> {
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
    return { status: 'ok', database: 'ok' };
  }
}

@Module({ controllers: [HealthController] })
export class HealthModule {}
