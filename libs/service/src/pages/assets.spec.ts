import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Assets, PLATFORM_PUBLIC_DIR } from './assets.js';

describe('Assets', () => {
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'assets-spec-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  };

  it("serves the platform's stylesheet with the app's own files, each at its content's hash", () => {
    const own = folder({ 'app.css': '.own { color: red; }', 'page.js': '"use strict";', 'notes.txt': 'no' });
    try {
      const assets = new Assets(PLATFORM_PUBLIC_DIR, own);
      const platform = assets.url('platform.css');
      expect(platform).toMatch(/^\/static\/[0-9a-f]{16}\/platform\.css$/);
      const [, , hash] = platform.split('/');
      expect(assets.find(hash ?? '', 'platform.css')?.type).toBe('text/css; charset=utf-8');
      expect(assets.find('0000000000000000', 'platform.css')).toBeUndefined();
      expect(assets.url('app.css')).toMatch(/^\/static\/[0-9a-f]{16}\/app\.css$/);
      expect(assets.url('page.js')).toMatch(/\/page\.js$/);
      expect(() => assets.url('notes.txt')).toThrow('no static file notes.txt');
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it("refuses a name found in two folders (an app's own platform.css would never be served)", () => {
    const own = folder({ 'platform.css': 'a { color: red; }' });
    try {
      expect(() => new Assets(PLATFORM_PUBLIC_DIR, own)).toThrow(
        'static file platform.css is in two of the folders served',
      );
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
