import { openApiSchemaOf } from '@app/validation';
import type { RegisteredJob } from './job-registry.js';

/** An OpenAPI document (the one @nestjs/swagger builds); this file writes two of its operations. */
interface OpenApiDocumentLike {
  paths: Record<string, unknown>;
}

interface OperationLike {
  parameters?: { name: string; in: string; schema?: Record<string, unknown>; description?: string }[];
  requestBody?: unknown;
  description?: string;
}

/** The job endpoints, whose path names the job: their body is that job's input. */
const JOB_PATHS = ['/jobs/{name}', '/tasks/{name}'];

/**
 * Documents `POST /jobs/{name}` and `POST /tasks/{name}` with the app's own jobs (in the order given:
 * `JobRegistry.all()`'s, by name): the name's values,
 * what each job does, and the body of each job that takes one (its `input` schema, as the run checks
 * it: a body that does not fit is a 400). The controllers take the body as it comes and the job's
 * schema checks it once the job is known, so the document is completed here, from the registry.
 */
export function documentJobs(document: OpenApiDocumentLike, jobs: readonly RegisteredJob[]): void {
  if (jobs.length === 0) return;
  const withInput = jobs.filter((job) => job.input !== undefined);
  const list = jobs
    .map((job) => `- \`${job.name}\`: ${job.description}${job.input === undefined ? '' : ' (takes a body)'}`)
    .join('\n');
  for (const path of JOB_PATHS) {
    const operation = (document.paths[path] as { post?: OperationLike } | undefined)?.post;
    if (operation === undefined) continue;
    const name = operation.parameters?.find(
      (parameter) => parameter.in === 'path' && parameter.name === 'name',
    );
    if (name !== undefined) {
      name.schema = { type: 'string', enum: jobs.map((job) => job.name) };
      name.description = 'The job';
    }
    operation.description = `${operation.description ?? ''}${operation.description ? '\n\n' : ''}The jobs:\n${list}`;
    if (withInput.length === 0) {
      delete operation.requestBody;
      continue;
    }
    // One branch per distinct schema (jobs may share one), naming its jobs; a body fits any branch.
    const bySchema = new Map<NonNullable<RegisteredJob['input']>, string[]>();
    for (const job of withInput) {
      const schema = job.input as NonNullable<RegisteredJob['input']>;
      bySchema.set(schema, [...(bySchema.get(schema) ?? []), job.name]);
    }
    const schemas = [...bySchema].map(([schema, names]) => ({
      title: names.join(', '),
      description: `The body of ${names.map((name) => `\`${name}\``).join(' and ')}`,
      ...openApiSchemaOf(schema),
    }));
    operation.requestBody = {
      required: false,
      description:
        `The body of the jobs that take one (${withInput.map((job) => job.name).join(', ')}), checked ` +
        'before the run starts (a body that does not fit is a 400 naming each field); other jobs ignore it',
      content: {
        'application/json': { schema: schemas.length === 1 ? schemas[0] : { anyOf: schemas } },
      },
    };
  }
}
