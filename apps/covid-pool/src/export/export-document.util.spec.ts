import { describe, expect, it } from '@jest/globals';
import type { College } from '@app/db';
import { gunzipSync } from 'node:zlib';
import { acceptsGzip, etagMatches, gzipEtag, renderExports } from './export-document.util.js';
import type { ExportSnapshot } from './export.repository.js';

describe('acceptsGzip', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['', false],
    ['gzip', true],
    ['GZIP', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['x-gzip', true],
    ['*', true],
    ['identity', false],
    ['deflate, br', false],
    ['gzip;q=0', false],
    ['gzip;q=0.000', false],
    ['*;q=0', false],
    ['gzip;q=0, *', false],
    ['*, gzip;q=0', false],
    ['gzip;q=nonsense', false],
  ])('%j -> %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('etagMatches', () => {
  const tag = '"abc"';
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"abc-gzip"', true],
    ['"other", "abc-gzip"', true],
    ['*', true],
    ['"abd"', false],
    ['abc', false],
  ])('%j -> %s', (header, expected) => {
    expect(etagMatches(header, tag)).toBe(expected);
  });

  it('gives the gzipped body its own tag', () => {
    expect(gzipEtag(tag)).toBe('"abc-gzip"');
  });
});

describe('renderExports', () => {
  const college: College = {
    id: 'kings',
    name: "King's",
    spreadsheetId: 'sheet-kings',
    active: true,
    contentHash: null,
    importedAt: new Date('2026-11-20T10:00:00Z'),
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
  const snapshot: ExportSnapshot = {
    version: 7n,
    colleges: [college],
    sheets: new Map([
      [
        'kings',
        {
          pools: [
            {
              id: '=Pool',
              description: null,
              collectionDay: 'Monday',
              households: [{ id: 'H1', students: ['ab1', 'cd2'] }],
            },
          ],
          contacts: [],
        },
      ],
    ]),
  };

  it('renders JSON and CSV, each with a gzipped copy of the same bytes', async () => {
    const rendered = await renderExports(snapshot, new Date('2026-11-26T00:00:00Z'));
    expect(rendered.version).toBe(7n);
    expect(JSON.parse(rendered.json.body.toString('utf8'))).toEqual({
      generatedAt: '2026-11-26T00:00:00.000Z',
      colleges: [
        {
          id: 'kings',
          name: "King's",
          importedAt: '2026-11-20T10:00:00.000Z',
          pools: [
            {
              id: '=Pool',
              description: null,
              collectionDay: 'Monday',
              households: [{ id: 'H1', students: ['ab1', 'cd2'] }],
            },
          ],
        },
      ],
    });
    expect(rendered.csv.body.toString('utf8')).toBe(
      "college,pool,household,crsid\r\nkings,'=Pool,H1,ab1\r\nkings,'=Pool,H1,cd2\r\n",
    );
    expect(gunzipSync(rendered.json.gzipped)).toEqual(rendered.json.body);
    expect(gunzipSync(rendered.csv.gzipped)).toEqual(rendered.csv.body);
  });

  it('tags the content, not the build time, and each format differently', async () => {
    const first = await renderExports(snapshot, new Date(0));
    const later = await renderExports(snapshot, new Date(1000));
    expect(later.json.etag).toBe(first.json.etag);
    expect(later.csv.etag).toBe(first.csv.etag);
    expect(first.json.etag).not.toBe(first.csv.etag);
  });
});
