import { BadRequestException, Body, type PipeTransform, Query } from '@nestjs/common';
import { ApiLater } from '@app/openapi';
import { z } from 'zod';

/** One bad field of a request: `field` is its dotted path (`pools.0.name`), `(body)` or `(query)` for the whole. */
export interface ValidationProblem {
  field: string;
  message: string;
}

export interface ZodValidationOptions {
  /** The 400's `message`; by default it lists each problem with its field. */
  message?: string;
}

type RequestPart = 'body' | 'query';

/**
 * Validates a request body or query with a zod schema and hands the parsed value to the handler.
 * A failure is a 400 `{ message, problems: [{ field, message }] }` naming every bad field, never a
 * 500 or a silently ignored value. Prefer `@ZodBody(schema)` / `@ZodQuery(schema)`, which also put
 * the schema in the OpenAPI document.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly part: RequestPart,
    private readonly options: ZodValidationOptions = {},
  ) {}

  transform(value: unknown): z.output<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const problems = problemsOf(parsed.error, this.part);
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: this.options.message ?? describeProblems(this.part, problems),
      problems,
    });
  }
}

export function problemsOf(error: z.ZodError, part: RequestPart): ValidationProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || `(${part})`,
    message: issue.message,
  }));
}

function describeProblems(part: RequestPart, problems: ValidationProblem[]): string {
  const details = problems.map(({ field, message }) =>
    message.startsWith(`${field} `) ? message : `${field}: ${message}`,
  );
  return `The ${part} is not valid: ${details.join('; ')}`;
}

/** The JSON Schema (OpenAPI 3.0 dialect) of what a client sends, for `@ApiBody` / `@ApiQuery`. */
export function openApiSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
  const { $schema: _dialect, ...rest } = json as Record<string, unknown>;
  return rest;
}

/** Applies a method decorator from inside a parameter decorator (both describe the same handler). */
function onMethod(target: object, key: string | symbol | undefined, decorator: MethodDecorator): void {
  if (key === undefined) throw new Error('@ZodBody/@ZodQuery go on a handler parameter, not a constructor');
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor === undefined) throw new Error(`@ZodBody/@ZodQuery: no method ${String(key)}`);
  decorator(target, key, descriptor);
}

/** `@ZodBody(schema)`: the request body parsed by `schema` (400 naming each bad field), documented in OpenAPI. */
export function ZodBody(schema: z.ZodType, options: ZodValidationOptions = {}): ParameterDecorator {
  const body = Body(new ZodValidationPipe(schema, 'body', options));
  // The JSON Schema is worked out when the OpenAPI document is first built, not at boot.
  const documented = ApiLater(({ ApiBody }) => [
    ApiBody({ required: true, schema: openApiSchemaOf(schema) }),
  ]);
  return (target, key, index) => {
    body(target, key, index);
    onMethod(target, key, documented);
  };
}

/**
 * `@ZodQuery(z.strictObject({ ... }))`: the whole query string parsed by the schema (400 naming each
 * bad parameter; a strict object also refuses parameters it does not know), each property documented
 * as an OpenAPI query parameter.
 */
export function ZodQuery(
  schema: z.ZodObject<z.ZodRawShape>,
  options: ZodValidationOptions = {},
): ParameterDecorator {
  const query = Query(new ZodValidationPipe(schema, 'query', options));
  // The JSON Schema is worked out when the OpenAPI document is first built, not at boot.
  const documented = ApiLater(({ ApiQuery }) => {
    const json = openApiSchemaOf(schema) as {
      properties?: Record<string, Record<string, unknown>>;
      required?: string[];
    };
    return Object.entries(json.properties ?? {}).map(([name, property]) => {
      const { description, ...propertySchema } = property;
      return ApiQuery({
        name,
        required: json.required?.includes(name) ?? false,
        description: typeof description === 'string' ? description : undefined,
        schema: propertySchema,
      });
    });
  });
  return (target, key, index) => {
    query(target, key, index);
    onMethod(target, key, documented);
  };
}
