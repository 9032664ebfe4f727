import { BadRequestException } from '@nestjs/common';
import { problemsOf } from '@app/validation';
import type { z } from 'zod';

/** A path parameter checked by a schema: a 400 `{ message, problems }` naming it otherwise. */
export function parseParam<S extends z.ZodType>(schema: S, value: string, field: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error, 'query').map((p) => ({ field, message: p.message }));
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `The path is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    problems,
  });
}
