import { createRequire } from 'node:module';
import type { NextFunction, Request, Response } from 'express';
import type Multer from 'multer';
import { crossSiteProblem, csrfProblem, type WebSessions } from '@app/auth';

let loadedMulter: typeof Multer | undefined;

/**
 * multer, loaded by the first form that sends a file (a purchase order), not at boot: about 10 ms
 * of every cold start (it and busboy compiled), for a request few instances ever see. Required
 * rather than imported, as the bundle requires CommonJS packages (one compilation, one instance).
 */
function multerOf(): typeof Multer {
  loadedMulter ??= createRequire(import.meta.url)('multer') as typeof Multer;
  return loadedMulter;
}

/** The file a form sent (the purchase order), read into memory, or why it was not read. */
export interface FormUpload {
  content?: Buffer;
  name?: string;
  /** Set when the file was larger than allowed: it was not read whole. */
  tooLarge?: boolean;
}

export interface RequestWithUpload {
  upload?: FormUpload;
}

interface MulterFile {
  buffer: Buffer;
  originalname: string;
}

/**
 * Reads a multipart form (the purchase order PDF with its fields) for the guards and the page, but
 * only for a caller who may send it, so that nobody makes the app read and hold `maxBytes` first:
 *
 * 1. No signed-in session (or another site's request): nothing of the body is read; the guard gives
 *    its usual answer (the sign-in redirect, 401 or the 403 page).
 * 2. A session: the fields are read in order, and when the file begins the CSRF token (the `_csrf`
 *    field, first in the form, or the `X-CSRF-Token` header) must already be there and valid; if
 *    not, reading stops there and the guard refuses the form (403 page).
 * 3. Then the one file field, at most `maxBytes` (the multipart envelope aside), is kept in memory;
 *    a larger file is not kept and the form says so next to the field rather than failing.
 *
 * Every byte of the body is counted, whoever reads it (multer's parser, or multer draining the rest
 * after a part it refuses: a file part with an empty filename or another field name, a field too
 * long, too many parts). Until a valid CSRF token has been read, at most `FIELDS_BUDGET` bytes are
 * read, then the guard refuses the form (403 page); after it, at most `maxBytes + FIELDS_BUDGET`,
 * then 413. A form refused unread is answered with `Connection: close`, so the rest of its body is
 * never read.
 */
/** What a form's fields (without the file) may take, and what is read at most before a valid CSRF token. */
export const FIELDS_BUDGET = 400 * 1024;

const MAX_FIELDS = 40;

export function formUpload(field: string, maxBytes: number, sessions: WebSessions) {
  const { baseUrl, sessionSecrets } = sessions.options;
  return async (req: Request & RequestWithUpload, res: Response, next: NextFunction): Promise<void> => {
    if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      next();
      return;
    }
    let sessionKey: string | undefined;
    try {
      const identified = await sessions.identify(req);
      if (identified.kind === 'user') sessionKey = identified.sessionKey;
    } catch {
      // The guard asks again and gives the answer (503 when sign-in is unavailable).
    }
    if (sessionKey === undefined || crossSiteProblem(req, baseUrl) !== undefined) {
      refuseUnread(req, res);
      next();
      return;
    }
    const key = sessionKey;
    let continued = false;
    const proceed = (upload: FormUpload): void => {
      if (continued) return;
      continued = true;
      req.upload = upload;
      next();
    };
    const tokenValid = (): boolean => csrfProblem(req, baseUrl, key, sessionSecrets) === undefined;
    let read = 0;
    let tokenSeen = false;
    const count = (chunk: Buffer): void => {
      read += chunk.length;
      if (continued) return;
      // The chunk has not been parsed yet: the token checked is one read from earlier chunks.
      tokenSeen ||= tokenValid();
      if (read <= (tokenSeen ? maxBytes + FIELDS_BUDGET : FIELDS_BUDGET)) return;
      req.unpipe();
      req.pause();
      refuseUnread(req, res);
      if (!tokenSeen) {
        // No valid token in what was read: the guard refuses the form (403 page).
        proceed({});
        return;
      }
      continued = true;
      res.status(413).type('text').send('The form is larger than allowed');
    };
    const multer = multerOf();
    const parse = multer({
      storage: multer.memoryStorage(),
      limits: {
        fileSize: maxBytes,
        files: 1,
        fields: MAX_FIELDS,
        fieldSize: 8 * 1024,
        parts: MAX_FIELDS + 1,
      },
      // Counts what is read from the request, whether parsed or drained by multer after an error.
      streamHandler: (request, busboy) => {
        request.on('data', count);
        request.pipe(busboy);
      },
      fileFilter: (request, _file, accept) => {
        if (csrfProblem(request, baseUrl, key, sessionSecrets) === undefined) {
          accept(null, true);
          return;
        }
        // The file comes without a valid token before it: stop reading; the guard refuses (403).
        req.unpipe();
        req.pause();
        refuseUnread(req, res);
        accept(null, false);
        proceed({});
      },
    }).single(field);
    parse(req, res, (error?: unknown) => {
      if (continued) return;
      const file = (req as Request & { file?: MulterFile }).file;
      if (error !== undefined && error !== null) {
        const code = (error as { code?: string }).code;
        if (code === 'LIMIT_FILE_SIZE') {
          proceed({ tooLarge: true });
          return;
        }
        continued = true;
        res
          .status(400)
          .type('text')
          .send(`The form could not be read: ${(error as Error).message}`);
        return;
      }
      proceed(
        file === undefined || file.buffer.length === 0
          ? {}
          : { content: file.buffer, name: file.originalname },
      );
    });
  };
}

/** Leaves the body unread (the guard answers from the headers alone) and closes the connection after the answer. */
function refuseUnread(req: Request, res: Response): void {
  req.body ??= {};
  res.setHeader('Connection', 'close');
}
