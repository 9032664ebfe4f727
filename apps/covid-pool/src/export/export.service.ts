import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { csvRow } from './export-csv.util.js';
import { ExportRepository } from './export.repository.js';

export interface ExportDocument {
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
  body: string;
  contentType: string;
  etag: string;
}

/** The current pools of every College for the downstream screening system, as JSON or CSV. */
@Injectable()
export class ExportService {
  constructor(private readonly repository: ExportRepository) {}

  async render(format: 'json' | 'csv'): Promise<RenderedExport> {
    const { colleges, sheets } = await this.repository.readSnapshot();
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
    // The tag covers the content, not the generation time, so an unchanged export is a 304.
    const etag = `"${createHash('sha256').update(format).update(JSON.stringify(content)).digest('base64url').slice(0, 32)}"`;
    if (format === 'json') {
      const document: ExportDocument = { generatedAt: new Date().toISOString(), ...content };
      return { body: JSON.stringify(document), contentType: 'application/json; charset=utf-8', etag };
    }
    let body = csvRow(['college', 'pool', 'household', 'crsid']);
    for (const college of content.colleges) {
      for (const pool of college.pools) {
        if (pool.households.length === 0) body += csvRow([college.id, pool.id, '', '']);
        for (const household of pool.households) {
          if (household.students.length === 0) body += csvRow([college.id, pool.id, household.id, '']);
          for (const crsid of household.students) body += csvRow([college.id, pool.id, household.id, crsid]);
        }
      }
    }
    return { body, contentType: 'text/csv; charset=utf-8', etag };
  }
}

/** True when an If-None-Match header names the current tag (weak comparison, `*` included). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}
