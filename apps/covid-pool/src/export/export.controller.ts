import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@app/openapi';
import { Roles } from '@app/auth';
import { ZodQuery } from '@app/validation';
import { z } from 'zod';
import type { Response } from 'express';
import { acceptsGzip, etagMatches, ExportService, gzipEtag } from './export.service.js';

const FORMAT_MESSAGE = 'format must be json or csv';

/** Not strict: a puller may add parameters of its own (cache busters) without being refused. */
const exportQuery = z.object({
  format: z
    .enum(['json', 'csv'], { error: FORMAT_MESSAGE })
    .default('json')
    .meta({ description: 'json (default) or csv' }),
});

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
  async export(
    @ZodQuery(exportQuery, { message: FORMAT_MESSAGE }) { format: chosen }: z.output<typeof exportQuery>,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
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
