import { createHash } from 'node:crypto';
import { csvRow } from './export-csv.util.js';
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
  contentType: string;
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
export function renderExports(snapshot: ExportSnapshot, generatedAt: Date): RenderedExports {
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
  return {
    version: snapshot.version,
    json: {
      body: Buffer.from(JSON.stringify(document), 'utf8'),
      contentType: 'application/json; charset=utf-8',
      etag: etag('json'),
    },
    csv: {
      body: Buffer.from(rows.join(''), 'utf8'),
      contentType: 'text/csv; charset=utf-8',
      etag: etag('csv'),
    },
  };
}

/** True when an If-None-Match header names the current tag (weak comparison, `*` included). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}
