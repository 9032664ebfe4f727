import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  content: Buffer;
  type: string;
  /** `/static/<hash>/<name>`: a new file gets a new address, so it can be cached for a year. */
  url: string;
}

/**
 * An app's stylesheet and scripts (a `public/` folder under its `src`, which the build copies beside the
 * code), read once at start-up and addressed by their content's hash. Served by StaticController.
 */
export class Assets {
  private readonly byName = new Map<string, Asset>();

  constructor(dir: string) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type === undefined) continue;
      const content = readFileSync(join(dir, name));
      const hash = createHash('sha256').update(content).digest('hex').slice(0, 16);
      this.byName.set(name, { content, type, url: `/static/${hash}/${name}` });
    }
  }

  url(name: string): string {
    const asset = this.byName.get(name);
    if (asset === undefined) throw new Error(`no static file ${name}`);
    return asset.url;
  }

  /** The file at `/static/<hash>/<name>`, only for its current hash. */
  find(hash: string, name: string): Asset | undefined {
    const asset = this.byName.get(name);
    return asset !== undefined && asset.url === `/static/${hash}/${name}` ? asset : undefined;
  }
}
