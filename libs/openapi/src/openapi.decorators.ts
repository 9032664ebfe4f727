import type * as Swagger from '@nestjs/swagger';

/** The @nestjs/swagger decorators this repository uses; each one here has a recording twin below. */
type DecoratorName = 'ApiBody' | 'ApiOperation' | 'ApiQuery' | 'ApiResponse' | 'ApiTags';

type AnyDecorator = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => unknown;

/** The real decorators, handed to a deferred description (`ApiLater`). */
export type OpenApiDecorators = Pick<typeof Swagger, DecoratorName>;

/** One recorded decorator application, replayed on the real decorators. */
type Replay = (swagger: OpenApiDecorators) => void;

/**
 * Every documentation decorator applied so far, in the order TypeScript applied it. @nestjs/swagger
 * (about 10 MB and a third of a second at boot, with es-toolkit and js-yaml) is loaded only when
 * the document is first asked for; until then its decorators are recorded here.
 */
const recorded: Replay[] = [];
/** How many of `recorded` have been replayed on the real decorators. */
let replayed = 0;
let swaggerPackage: Promise<typeof Swagger> | undefined;

function recorder(name: DecoratorName) {
  return (...args: unknown[]) =>
    (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
      recorded.push((swagger) => {
        const factory = swagger[name] as (...factoryArgs: unknown[]) => AnyDecorator;
        factory(...args)(target, key, descriptor);
      });
      return descriptor;
    };
}

/**
 * Documentation whose arguments cost something to work out (a zod schema turned into JSON Schema):
 * `describe` runs when the document is first built, not when the class is defined at boot, and
 * returns the real decorators to apply where this decorator stands, applied in the list's order.
 */
export function ApiLater(describe: (swagger: OpenApiDecorators) => MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    recorded.push((swagger) => {
      for (const decorator of describe(swagger)) decorator(target, key, descriptor);
    });
    return descriptor;
  };
}

// Same signatures as @nestjs/swagger's; only the types are imported from it.
export const ApiBody = recorder('ApiBody') as typeof Swagger.ApiBody;
export const ApiOperation = recorder('ApiOperation') as typeof Swagger.ApiOperation;
export const ApiQuery = recorder('ApiQuery') as typeof Swagger.ApiQuery;
export const ApiResponse = recorder('ApiResponse') as typeof Swagger.ApiResponse;
export const ApiTags = recorder('ApiTags') as typeof Swagger.ApiTags;

/** @nestjs/swagger, imported once. */
export function loadSwagger(): Promise<typeof Swagger> {
  swaggerPackage ??= import('@nestjs/swagger').catch((error: unknown) => {
    swaggerPackage = undefined;
    throw error;
  });
  return swaggerPackage;
}

/**
 * Imports @nestjs/swagger and applies the real decorators on what was recorded, in the recorded
 * order (the order TypeScript applied them, bottom-up on a class or a method), so that the metadata
 * the document is built from is what it would have been had they run at load time. Each recorded
 * decorator is replayed once; call again after loading more controllers.
 */
export async function applyOpenApiDecorators(): Promise<typeof Swagger> {
  const swagger = await loadSwagger();
  while (replayed < recorded.length) {
    const replay = recorded[replayed];
    replayed += 1;
    replay(swagger);
  }
  return swagger;
}
