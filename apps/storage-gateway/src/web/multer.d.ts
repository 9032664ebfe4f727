// The few parts of multer (shipped with @nestjs/platform-express, without its own types) that the
// forms' upload middleware uses.
declare module 'multer' {
  import type { RequestHandler } from 'express';

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
  }
  interface MulterFactory {
    (options?: Options): Multer;
    memoryStorage(): unknown;
  }
  const multer: MulterFactory;
  export default multer;
}
