// The few parts of multer (shipped with @nestjs/platform-express, without its own types) that the
// forms' upload middleware uses.
declare module 'multer' {
  import type { Request, RequestHandler } from 'express';

  interface Limits {
    fileSize?: number;
    files?: number;
    fields?: number;
    fieldSize?: number;
    parts?: number;
  }
  interface Multer {
    single(field: string): RequestHandler;
  }
  interface Options {
    storage?: unknown;
    limits?: Limits;
    /** Feeds the request to busboy (multer 2.x; default `req.pipe(busboy)`). */
    streamHandler?: (req: Request, busboy: NodeJS.WritableStream) => void;
    /** Called as each file part begins (the fields before it are in `req.body`): accept it or skip it. */
    fileFilter?: (
      req: Request,
      file: { fieldname: string; originalname: string },
      accept: (error: Error | null, acceptFile?: boolean) => void,
    ) => void;
  }
  interface MulterFactory {
    (options?: Options): Multer;
    memoryStorage(): unknown;
  }
  const multer: MulterFactory;
  export default multer;
}
