import type { CodeKind } from './finance.types.js';

/**
 * Characters any kind of code may hold (printable ASCII and spaces): a code with others is not a
 * finance code at all. Within that, a wrong character in a part is a typo the part's check names.
 */
const CODE_CHARACTERS = /^[\x20-\x7E]+$/;
/** GL separators: `.`, `-` or spaces, in any number (`U. PN - PNLI` reads as three parts). */
const GL_SEPARATORS = /[\s.-]+/;

/**
 * The kind of code, from its shape: a `/` makes a grant code (`ZZAG001/RG12345/1/other costs`), two
 * or more parts separated by `.`, `-` or spaces a general ledger code (`U.PN.PNLI.AAAA.ELKZ.0000`),
 * one word of letters and digits a purchase order number (`PN100001`, also written `PN 100001` or
 * `PN-100001`); anything else is null.
 */
export function recogniseKind(code: string): CodeKind | null {
  const text = code.trim();
  if (text === '' || !CODE_CHARACTERS.test(text)) return null;
  if (text.includes('/')) return 'grant';
  const segments = glSegments(text);
  // `PN 100001`, `PN-100001`: a purchase order number typed with a separator, not a two-part GL code.
  if (
    segments.length === 2 &&
    !text.includes('.') &&
    /^[A-Z]{2}$/.test(segments[0] ?? '') &&
    /^\d+$/.test(segments[1] ?? '')
  )
    return 'purchase-order';
  if (segments.length >= 2) return 'gl';
  if (segments.length === 1 && /^[A-Za-z0-9]+$/.test(text)) return 'purchase-order';
  return null;
}

/** A GL code's parts, upper case, whatever separated them. */
export function glSegments(code: string): string[] {
  return code
    .trim()
    .toUpperCase()
    .split(GL_SEPARATORS)
    .filter((segment) => segment !== '');
}

/** What a code of each kind looks like, for messages. */
export const KIND_EXAMPLES: Record<CodeKind, string> = {
  gl: 'a general ledger code such as U.PN.PNLI.AAAA.ELKZ.0000',
  grant: 'a grant code such as ZZAG001/RG12345/1/other costs',
  'purchase-order': 'a purchase order number such as PN100001',
};

export const NOT_A_FINANCE_CODE = `is not a finance code: expected ${KIND_EXAMPLES.gl}, ${KIND_EXAMPLES.grant} or ${KIND_EXAMPLES['purchase-order']}`;
