import { z } from 'zod';

/**
 * A job's name, as in `POST /jobs/<name>` and `GET /runs?job=<name>`: kebab-case (lower-case
 * words of letters and digits joined by single hyphens, starting with a letter), at most 63 characters.
 */
const JOB_NAME = /^(?=.{1,63}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const JOB_NAME_RULE =
  'kebab-case: lower-case letters and digits in words joined by "-", such as import-all';

export function isJobName(value: string): boolean {
  return JOB_NAME.test(value);
}

export const jobName = z.string().refine(isJobName, { message: `must be a job name (${JOB_NAME_RULE})` });
