import { describe, expect, it } from '@jest/globals';
import { pdfProblem } from './pdf.util.js';

const pdf = (body: string) => Buffer.from(`%PDF-1.7\n${body}\n%%EOF\n`, 'latin1');

describe('pdfProblem', () => {
  it.each<[string, Buffer, string | null]>([
    ['a PDF', pdf('1 0 obj << >> endobj'), null],
    ['a PDF with junk before its header', Buffer.concat([Buffer.from('\x00\x01junk'), pdf('x')]), null],
    ['an empty file', Buffer.alloc(0), 'the file is empty'],
    ['a PNG named .pdf', Buffer.from('\x89PNG\r\n\x1a\n....', 'latin1'), 'the file is not a PDF'],
    ['a text file mentioning %PDF', Buffer.from('hello %PDF-x'), 'the file is not a PDF'],
    [
      'a truncated PDF',
      Buffer.from('%PDF-1.4\n1 0 obj', 'latin1'),
      'the PDF is incomplete (no end-of-file marker)',
    ],
  ])('%s', (_label, content, problem) => {
    expect(pdfProblem(content)).toBe(problem);
  });
});
