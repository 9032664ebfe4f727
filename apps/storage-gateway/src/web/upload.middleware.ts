import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';

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
 * Reads a multipart form before the guards run, so that the CSRF token in its `_csrf` field is
 * checked like any other form's (the token comes first in the form). The one file field, at most
 * `maxBytes` (the multipart envelope aside), is kept in memory; a larger file is not read on and the
 * form says so next to the field rather than failing the request.
 */
export function formUpload(field: string, maxBytes: number) {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 40, fieldSize: 8 * 1024 },
  }).single(field);
  return (req: Request & RequestWithUpload, res: Response, next: NextFunction): void => {
    if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      next();
      return;
    }
    parse(req, res, (error?: unknown) => {
      const file = (req as Request & { file?: MulterFile }).file;
      if (error !== undefined && error !== null) {
        const code = (error as { code?: string }).code;
        if (code === 'LIMIT_FILE_SIZE') {
          req.upload = { tooLarge: true };
          next();
          return;
        }
        res
          .status(400)
          .type('text')
          .send(`The form could not be read: ${(error as Error).message}`);
        return;
      }
      req.upload =
        file === undefined || file.buffer.length === 0
          ? {}
          : { content: file.buffer, name: file.originalname };
      next();
    });
  };
}
