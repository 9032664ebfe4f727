import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipped = promisify(gzip);
import { csvRow } from '@app/csv';
import type { ExportSnapshot } from './export.repository.js';

export type ExportFormat = 'json' | 'csv';

export interface ExportDocument {
  /** When this copy of the export was built (it is served until the data changes). */
  generatedAt: string;
  colleges: {
    id: string;
    name: string;
    importedAt: string | null;
    pools: {
      id: string;
      description: string | null;
      collectionDay: string | null;
      households: { id: string; students: string[] }[];
    }[];
  }[];
}

export interface RenderedExport {
  /** Encoded once when built, so serving it costs no serialisation. */
  body: Buffer;
  /** The same body gzipped once when built, for the clients that accept it (most do by default). */
  gzipped: Buffer;
  contentType: string;
  /** The tag of the plain body; the gzipped one's is {@link gzipEtag} of it. */
  etag: string;
}

/** The export at one version in both formats. */
export interface RenderedExports {
  version: bigint;
  json: RenderedExport;
  csv: RenderedExport;
}

/**
 * Serialises a snapshot. Each ETag covers the format and the content, not the build time, so every
 * instance gives the same data the same tag and an unchanged export answers 304 wherever it lands.
 */
export async function renderExports(snapshot: ExportSnapshot, generatedAt: Date): Promise<RenderedExports> {
  const { colleges, sheets } = snapshot;
  const content: Omit<ExportDocument, 'generatedAt'> = {
    colleges: colleges.map((c) => ({
      id: c.id,
      name: c.name,
      importedAt: c.importedAt?.toISOString() ?? null,
      pools: (sheets.get(c.id)?.pools ?? []).map((p) => ({
        id: p.id,
        description: p.description,
        collectionDay: p.collectionDay,
        households: p.households.map((h) => ({ id: h.id, students: h.students })),
      })),
    })),
  };
  const contentJson = JSON.stringify(content);
  const etag = (format: ExportFormat) =>
    `"${createHash('sha256').update(format).update(contentJson).digest('base64url').slice(0, 32)}"`;
  const document: ExportDocument = { generatedAt: generatedAt.toISOString(), ...content };
  const rows: string[] = [csvRow(['college', 'pool', 'household', 'crsid'])];
  for (const college of content.colleges) {
    for (const pool of college.pools) {
      if (pool.households.length === 0) rows.push(csvRow([college.id, pool.id, '', '']));
      for (const household of pool.households) {
        if (household.students.length === 0) rows.push(csvRow([college.id, pool.id, household.id, '']));
        for (const crsid of household.students) rows.push(csvRow([college.id, pool.id, household.id, crsid]));
      }
    }
  }
  // Compressed on libuv's thread pool, so requests for the current version keep being served meanwhile.
  const rendered = async (text: string, contentType: string, tag: string): Promise<RenderedExport> => {
    const body = Buffer.from(text, 'utf8');
    return { body, gzipped: await gzipped(body), contentType, etag: tag };
  };
  const [json, csv] = await Promise.all([
    rendered(JSON.stringify(document), 'application/json; charset=utf-8', etag('json')),
    rendered(rows.join(''), 'text/csv; charset=utf-8', etag('csv')),
  ]);
  return { version: snapshot.version, json, csv };
}

/** The tag of a gzipped body: a different representation needs a different strong tag (RFC 9110 8.8.3). */
export function gzipEtag(etag: string): string {
  return `${etag.slice(0, -1)}-gzip"`;
}

/** True when an Accept-Encoding header accepts gzip (`gzip`, `x-gzip` or `*`, with a q-value above 0). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [coding = '', ...parameters] = part.split(';').map((p) => p.trim().toLowerCase());
    if (coding === '') continue;
    const q = parameters.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(coding, Number.isFinite(weight) ? weight : 0);
  }
  const explicit = weights.get('gzip') ?? weights.get('x-gzip');
  return (explicit ?? weights.get('*') ?? 0) > 0;
}

/**
 * True when an If-None-Match header names the current tag of either representation, plain or gzipped
 * (weak comparison, `*` included): both stand for the same content.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const current = [etag, gzipEtag(etag)];
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || current.includes(t));
}
