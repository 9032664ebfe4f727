// The floor the boot benchmark measures the apps against: a bare NestJS app with one controller,
// compiled by the same swc build and started the same way (`node dist/bench/bare-nest/main.js`).
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

@Controller()
class HealthController {
  @Get('healthz')
  healthz(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [HealthController] })
class BareModule {}

const app = await NestFactory.create(BareModule, { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(Number(process.env['PORT'] ?? 3000));
