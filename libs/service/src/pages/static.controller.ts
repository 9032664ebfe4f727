import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@app/auth';
import { Assets } from './assets.js';

/** An app's page stylesheet and scripts (its Assets provider): public, immutable at their hashed address, cached for a year. */
@Controller('static')
@Public()
export class StaticController {
  constructor(private readonly assets: Assets) {}

  @Get(':hash/:name')
  serve(@Param('hash') hash: string, @Param('name') name: string, @Res() res: Response): void {
    const asset = this.assets.find(hash, name);
    if (asset === undefined) throw new NotFoundException('No such file');
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('Content-Length', String(asset.content.length));
    res.end(asset.content);
  }
}
