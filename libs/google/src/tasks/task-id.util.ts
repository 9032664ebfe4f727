import { createHash } from 'node:crypto';

/**
 * A deterministic task id for a piece of work: the job and a hash of what identifies the work (an
 * order id, an account and a date...), so that enqueueing the same work again names the same task
 * and Cloud Tasks keeps one. The hash comes first: Cloud Tasks spreads ids that do not share a
 * prefix better than sequential ones (its documentation warns about sequential names).
 */
export function taskId(job: string, ...key: (string | number)[]): string {
  if (key.length === 0) throw new Error('taskId needs at least one key part (what makes the work unique)');
  const hash = createHash('sha256')
    .update(JSON.stringify([job, ...key.map(String)]))
    .digest('hex');
  return `${hash.slice(0, 32)}-${job}`;
}
