export {
  ZodBody,
  ZodQuery,
  ZodValidationPipe,
  openApiSchemaOf,
  problemsOf,
  type ValidationProblem,
  type ZodValidationOptions,
} from './zod-validation.pipe.js';
export { limitQuery, type LimitQueryOptions } from './limit-query.js';
