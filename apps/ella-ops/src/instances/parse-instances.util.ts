import { type z } from 'zod';
import { type EllaInstance, instanceSchema } from './instance.types.js';

/**
 * Parses the instance list (the JSON text of ELLA_INSTANCES or of the file ELLA_INSTANCES_FILE names).
 * Returns the instances, or every problem, each naming the instance and the field but never a value
 * (the list holds supervisord passwords and database URLs).
 */
export function parseInstances(
  text: string,
): { ok: true; instances: EllaInstance[] } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problems: ['is not valid JSON'] };
  }
  if (!Array.isArray(json)) return { ok: false, problems: ['must be a JSON array of instances'] };
  if (json.length === 0) return { ok: false, problems: ['must list at least one instance'] };
  const problems: string[] = [];
  const instances: EllaInstance[] = [];
  json.forEach((entry: unknown, index) => {
    const label = labelOf(entry, index);
    const parsed = instanceSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${label}: ${describe(issue)}`);
      return;
    }
    instances.push(parsed.data);
  });
  if (problems.length > 0) return { ok: false, problems };
  problems.push(...crossChecks(instances));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, instances };
}

function labelOf(entry: unknown, index: number): string {
  const name = typeof entry === 'object' && entry !== null && 'name' in entry ? entry.name : undefined;
  return typeof name === 'string' && /^[a-z0-9][a-z0-9-]{0,39}$/.test(name)
    ? `instance "${name}"`
    : `instance #${index + 1}`;
}

function describe(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : '(instance)';
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${field}: is required`;
  if (issue.code === 'unrecognized_keys') return `${issue.keys.join(', ')}: not a known field`;
  if (issue.code === 'invalid_type' && issue.path.length === 0) return '(instance): must be an object';
  return `${field}: ${issue.message}`;
}

function crossChecks(instances: EllaInstance[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, EllaInstance>();
  for (const instance of instances) {
    if (byName.has(instance.name)) problems.push(`instance "${instance.name}": name: is given twice`);
    byName.set(instance.name, instance);
  }
  for (const instance of instances) {
    const label = `instance "${instance.name}"`;
    if ((instance.supervisorUsername === undefined) !== (instance.supervisorPassword === undefined)) {
      problems.push(`${label}: supervisorPassword: supervisorUsername and supervisorPassword go together`);
    }
    if (instance.role !== 'failover') {
      if (instance.primary !== undefined) problems.push(`${label}: primary: only a failover names a primary`);
      continue;
    }
    if (instance.primary === undefined) {
      problems.push(`${label}: primary: is required for a failover`);
      continue;
    }
    const primary = byName.get(instance.primary);
    if (primary === undefined) problems.push(`${label}: primary: names no instance in the list`);
    else if (primary.role !== 'primary')
      problems.push(`${label}: primary: names an instance whose role is not primary`);
  }
  return problems;
}
