import { BadRequestException, Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@app/openapi';
import { Roles } from '@app/auth';
import type { Response } from 'express';
import { acceptsGzip, etagMatches, ExportService, gzipEtag } from './export.service.js';

@ApiTags('export')
@Controller('export')
// `export` is the puller's role: it reaches this route and nothing else.
@Roles('export', 'job', 'operator')
export class ExportController {
  constructor(private readonly exports: ExportService) {}

  @Get()
  @ApiOperation({
    summary: 'Current pools, households and students of every College (JSON, or CSV with ?format=csv)',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async export(
    @Query('format') format: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const chosen = format ?? 'json';
    if (chosen !== 'json' && chosen !== 'csv') throw new BadRequestException('format must be json or csv');
    const rendered = await this.exports.render(chosen);
    // Gzipped once per version, not per request: a puller that accepts gzip gets ~10x fewer bytes.
    const gzip = acceptsGzip(acceptEncoding);
    response.setHeader('ETag', gzip ? gzipEtag(rendered.etag) : rendered.etag);
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('Vary', 'Accept-Encoding');
    if (etagMatches(ifNoneMatch, rendered.etag)) {
      response.status(304).end();
      return;
    }
    response.status(200).type(rendered.contentType);
    if (chosen === 'csv') response.setHeader('Content-Disposition', 'attachment; filename="covid-pools.csv"');
    if (gzip) response.setHeader('Content-Encoding', 'gzip');
    response.send(gzip ? rendered.gzipped : rendered.body);
  }
}
