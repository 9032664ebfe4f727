/** What an object name must be, in words for errors. */
export const OBJECT_NAME_RULE =
  'a relative path of 1 to 1024 bytes: segments of printable characters separated by single "/", no "." or ".." segment or one starting with ".tmp-", no "\\", no leading "/"';

/**
 * Why an object name is refused, or null when it is safe: a name must mean the same object in a
 * bucket and in the local folder, so nothing that could climb out of the folder or be read as an
 * absolute path (`..`, `/etc/x`, `C:\x`, `a//b`), and no control characters.
 */
export function objectNameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (Buffer.byteLength(name, 'utf8') > 1024) return 'is longer than 1024 bytes';
  if (name.startsWith('/')) return 'is an absolute path (starts with "/")';
  if (name.includes('\\')) return 'contains "\\"';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  const segments = name.split('/');
  if (segments.some((segment) => segment === '..')) return 'contains a ".." segment';
  if (segments.some((segment) => segment === '.')) return 'contains a "." segment';
  if (segments.some((segment) => segment === '')) return 'contains an empty segment ("//" or a trailing "/")';
  // The local folder store writes `.tmp-<uuid>` files before renaming them, and its list() hides them.
  if (segments.some((segment) => segment.startsWith('.tmp-'))) {
    return 'contains a segment starting with ".tmp-" (kept for temporary files)';
  }
  return null;
}

export class InvalidObjectNameError extends Error {
  constructor(problem: string) {
    super(`object name ${problem}; it must be ${OBJECT_NAME_RULE}`);
    this.name = 'InvalidObjectNameError';
  }
}

export function assertObjectName(name: string): void {
  const problem = objectNameProblem(name);
  if (problem !== null) throw new InvalidObjectNameError(problem);
}

/** A prefix for `list`: empty, or a name (possibly ending in "/") that is itself safe. */
export function assertObjectPrefix(prefix: string): void {
  if (prefix === '') return;
  assertObjectName(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
