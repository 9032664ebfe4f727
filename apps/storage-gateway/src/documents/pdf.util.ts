/**
 * Whether bytes are a PDF by their content, not their name: the `%PDF-1.x` header at the start (the
 * specification allows it within the first 1,024 bytes) and an `%%EOF` marker near the end.
 */
export function pdfProblem(content: Buffer): string | null {
  if (content.length === 0) return 'the file is empty';
  const head = content.subarray(0, 1024).toString('latin1');
  const at = head.indexOf('%PDF-');
  if (at === -1 || !/^%PDF-\d\.\d/.test(head.slice(at))) return 'the file is not a PDF';
  const tail = content.subarray(Math.max(0, content.length - 1024)).toString('latin1');
  if (!tail.includes('%%EOF')) return 'the PDF is incomplete (no end-of-file marker)';
  return null;
}
