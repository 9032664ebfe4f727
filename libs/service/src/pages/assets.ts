import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
 * The platform's page stylesheet, `platform.css`, shared by every app with pages (beside this file in
 * src/ and in dist/ alike). An app serves it with its own files: `new Assets(PLATFORM_PUBLIC_DIR, PUBLIC_DIR)`,
 * and links it before its own `app.css`, which holds only what differs.
 */
export const PLATFORM_PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/**
 * An app's stylesheets and scripts (`public/` folders: the platform's, then the app's own under its
 * `src`, which the build copies beside the code), read once at start-up and addressed by their
 * content's hash. Served by StaticController. A name found in two of the folders is refused: one of
 * the files would never be served.
 */
export class Assets {
  private readonly byName = new Map<string, Asset>();

  constructor(...dirs: string[]) {
    for (const dir of dirs) {
      for (const name of readdirSync(dir)) {
        const type = TYPES[extname(name)];
        if (type === undefined) continue;
        if (this.byName.has(name)) throw new Error(`static file ${name} is in two of the folders served`);
        const content = readFileSync(join(dir, name));
        const hash = createHash('sha256').update(content).digest('hex').slice(0, 16);
        this.byName.set(name, { content, type, url: `/static/${hash}/${name}` });
      }
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
