import { createHash } from 'node:crypto';
import type { CollegeSheet } from '../sheet/sheet.types.js';

/** A fingerprint of what an import would store; equal fingerprints mean there is nothing to write. */
export function contentHash(sheet: CollegeSheet): string {
  const canonical = {
    pools: sheet.pools.map((p) => ({
      id: p.id,
      description: p.description,
      collectionDay: p.collectionDay,
      households: p.households.map((h) => ({ id: h.id, students: h.students })),
    })),
    contacts: sheet.contacts.map((c) => ({ name: c.name, email: c.email })),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
