import type { Finding } from '../sheet/sheet.types.js';

export interface ImportEmail {
  subject: string;
  text: string;
}

function place(f: Finding): string {
  const parts = [`Worksheet ${f.worksheet}`];
  if (f.row !== null) parts.push(`row ${f.row}`);
  if (f.column !== null) parts.push(`column ${f.column}`);
  return parts.join(', ');
}

/** The one email a College's contacts get when its sheet cannot be imported: every error, where it is, what to do. */
export function sheetErrorsEmail(input: {
  collegeName: string;
  spreadsheetUrl: string;
  findings: Finding[];
  maxPoolSize: number;
}): ImportEmail {
  const errors = input.findings.filter((f) => f.severity === 'error');
  const warnings = input.findings.filter((f) => f.severity === 'warning');
  const lines = [
    `Hello,`,
    ``,
    `The COVID testing pool sheet of ${input.collegeName} could not be imported, because it has ` +
      `${errors.length} ${errors.length === 1 ? 'problem' : 'problems'} that must be fixed first. ` +
      `Until then the pools stored from the last successful import stay in use.`,
    ``,
    `The sheet: ${input.spreadsheetUrl}`,
    ``,
    `Please fix:`,
    ...errors.map((f, i) => `${i + 1}. ${place(f)}: ${f.message}`),
  ];
  if (warnings.length > 0) {
    lines.push(
      '',
      'Also worth a look (these do not stop the import):',
      ...warnings.map((f) => `- ${place(f)}: ${f.message}`),
    );
  }
  lines.push(
    '',
    `Rules: each pool has at most ${input.maxPoolSize} students; each student (CRSid) is listed once; ` +
      'every household names a pool from the Pools worksheet.',
    'The next scheduled import will pick up your changes; there is no need to reply to this email.',
  );
  return {
    subject: `COVID pool sheet of ${input.collegeName}: ${errors.length} ${errors.length === 1 ? 'problem' : 'problems'} to fix`,
    text: lines.join('\n'),
  };
}

export function sheetUnreadableEmail(input: {
  collegeName: string;
  spreadsheetUrl: string;
  reason: string;
}): ImportEmail {
  return {
    subject: `COVID pool sheet of ${input.collegeName} could not be read`,
    text: [
      'Hello,',
      '',
      `The COVID testing pool sheet of ${input.collegeName} could not be read: ${input.reason}.`,
      'The pools stored from the last successful import stay in use until the sheet can be read again.',
      '',
      `The sheet: ${input.spreadsheetUrl}`,
    ].join('\n'),
  };
}

/** A valid sheet that was not imported because it would have emptied the College (see emptyingRefusal). */
export function sheetEmptiedEmail(input: {
  collegeName: string;
  spreadsheetUrl: string;
  reason: string;
}): ImportEmail {
  return {
    subject: `COVID pool sheet of ${input.collegeName} was not imported: it lists no students`,
    text: [
      'Hello,',
      '',
      `The COVID testing pool sheet of ${input.collegeName} was not imported, and nothing was changed: ` +
        `${input.reason}.`,
      'If the sheet was emptied by mistake, restore it (File > Version history in Google Sheets). ' +
        'If the College really has no students to test any more, tell the service team: this safeguard ' +
        'cannot be lifted from the sheet.',
      'Until then the pools stored from the last successful import stay in use.',
      '',
      `The sheet: ${input.spreadsheetUrl}`,
    ].join('\n'),
  };
}
