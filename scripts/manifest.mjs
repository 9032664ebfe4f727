// Reads and checks apps/manifest.json, the one list of apps (name, port, local settings, jobs,
// simulators). Read by `npm start`, the boot benchmark and `npm run manifest:sync`; Terraform reads
// the same file with jsondecode(). A bad manifest fails with one line naming the entry and the field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const manifestFile = path.join(repositoryRoot, 'apps/manifest.json');

export class ManifestError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ManifestError';
  }
}

const APP_NAME = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/; // <name>-sched must fit a 30-character service account id
const JOB_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const SIMULATOR_NAME = /^[a-z][a-z0-9-]*$/;
const CRON_FIELD = /^[0-9*,/-]+$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPort = (value) => Number.isInteger(value) && value >= 1024 && value <= 65535;

/** Checks a parsed manifest; returns it, or throws a ManifestError naming `where` and the field. */
export function checkManifest(manifest, where = 'apps/manifest.json') {
  const fail = (field, problem) => {
    throw new ManifestError(`${where}: ${field} ${problem}`);
  };
  if (!isObject(manifest)) fail('(top level)', 'must be an object with "apps" and "simulators"');
  const simulators = manifest.simulators ?? {};
  if (!isObject(simulators)) fail('simulators', 'must be an object keyed by simulator name');
  const ports = new Map();
  const claimPort = (port, field) => {
    if (ports.has(port)) fail(field, `${port} is already taken by ${ports.get(port)}`);
    ports.set(port, field);
  };
  for (const [name, simulator] of Object.entries(simulators)) {
    const field = `simulators.${name}`;
    if (!SIMULATOR_NAME.test(name)) fail(field, 'must be named in lowercase letters, digits and -');
    if (!isObject(simulator)) fail(field, 'must be an object with "port"');
    if (!isPort(simulator.port)) fail(`${field}.port`, 'must be an integer from 1024 to 65535');
    claimPort(simulator.port, field);
    if (
      simulator.path !== undefined &&
      (typeof simulator.path !== 'string' || !/^(\/[^\s]*)?$/.test(simulator.path))
    ) {
      fail(`${field}.path`, 'must be empty or start with /');
    }
    checkEnv(simulator.env ?? {}, `${field}.env`, fail, []);
  }
  if (!Array.isArray(manifest.apps) || manifest.apps.length === 0) fail('apps', 'must be a non-empty list');
  const names = new Set();
  manifest.apps.forEach((app, index) => {
    const field = `apps[${index}]`;
    if (!isObject(app)) fail(field, 'must be an object');
    if (typeof app.name !== 'string' || !APP_NAME.test(app.name)) {
      fail(
        `${field}.name`,
        'must be 2-24 lowercase letters, digits or -, starting with a letter (the apps/<name> folder)',
      );
    }
    const at = `apps[${index}] (${app.name})`;
    if (names.has(app.name)) fail(`${at}.name`, 'is listed twice');
    names.add(app.name);
    if (!isPort(app.port)) fail(`${at}.port`, 'must be an integer from 1024 to 65535');
    claimPort(app.port, at);
    if (typeof app.summary !== 'string' || app.summary.trim() === '')
      fail(`${at}.summary`, 'must be a sentence');
    if (!Array.isArray(app.simulators)) fail(`${at}.simulators`, 'must be a list of simulator names');
    for (const simulator of app.simulators) {
      if (!Object.hasOwn(simulators, simulator)) {
        fail(`${at}.simulators`, `names "${simulator}", which is not in "simulators"`);
      }
    }
    const otherApps = manifest.apps.map((a) => a?.name).filter((name) => name !== app.name);
    checkEnv(app.localEnv ?? {}, `${at}.localEnv`, fail, app.simulators, otherApps);
    checkEnv(app.demoEnv ?? {}, `${at}.demoEnv`, fail, app.simulators, otherApps);
    if (!Array.isArray(app.jobs))
      fail(`${at}.jobs`, 'must be a list (empty when the app has no scheduled job)');
    const jobNames = new Set();
    app.jobs.forEach((job, jobIndex) => {
      const jobField = `${at}.jobs[${jobIndex}]`;
      if (!isObject(job)) fail(jobField, 'must be an object with "name" and "schedule"');
      if (typeof job.name !== 'string' || !JOB_NAME.test(job.name)) {
        fail(`${jobField}.name`, 'must be lowercase letters, digits and - (POST /jobs/<name>)');
      }
      if (jobNames.has(job.name)) fail(`${jobField}.name`, `"${job.name}" is listed twice`);
      jobNames.add(job.name);
      const fields = typeof job.schedule === 'string' ? job.schedule.trim().split(/\s+/) : [];
      if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
        fail(`${jobField}.schedule`, 'must be a five-field unix-cron schedule, e.g. "0 6 * * *"');
      }
      if (job.description !== undefined && typeof job.description !== 'string') {
        fail(`${jobField}.description`, 'must be text');
      }
      if (
        job.attemptDeadlineSeconds !== undefined &&
        !(
          Number.isInteger(job.attemptDeadlineSeconds) &&
          job.attemptDeadlineSeconds >= 15 &&
          job.attemptDeadlineSeconds <= 1800
        )
      ) {
        fail(
          `${jobField}.attemptDeadlineSeconds`,
          'must be an integer from 15 to 1800 (Cloud Scheduler HTTP limit)',
        );
      }
      if (
        job.retryCount !== undefined &&
        !(Number.isInteger(job.retryCount) && job.retryCount >= 0 && job.retryCount <= 5)
      ) {
        fail(`${jobField}.retryCount`, 'must be an integer from 0 to 5');
      }
    });
  });
  return manifest;
}

function checkEnv(env, field, fail, simulatorNames, appNames = []) {
  if (!isObject(env)) fail(field, 'must be an object of VARIABLE: "value"');
  for (const [key, value] of Object.entries(env)) {
    if (!ENV_NAME.test(key)) fail(`${field}.${key}`, 'is not an environment variable name (A-Z, 0-9, _)');
    if (typeof value !== 'string') fail(`${field}.${key}`, 'must be a string');
    for (const [, placeholder] of value.matchAll(PLACEHOLDER)) {
      const [kind, name, part, ...rest] = placeholder.split('.');
      const known =
        rest.length === 0 &&
        (placeholder === 'root' ||
          placeholder === 'self' ||
          (kind === 'secret' && part === undefined && /^[a-zA-Z]+$/.test(name ?? '')) ||
          (kind === 'simulator' &&
            simulatorNames.includes(name) &&
            (part === undefined || part === 'host')) ||
          (kind === 'app' && part === undefined && appNames.includes(name)));
      if (!known) {
        fail(
          `${field}.${key}`,
          `uses {${placeholder}}; known: {root}, {self}, {secret.<name>}, {simulator.<one of this app's simulators>} (or its {simulator.<name>.host}), {app.<an app of the manifest>}`,
        );
      }
    }
  }
}

/** The manifest, checked. */
export function loadManifest(file = manifestFile) {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ManifestError(`${path.relative(repositoryRoot, file)}: ${error.message}`);
  }
  return checkManifest(parsed, path.relative(repositoryRoot, file) || file);
}

/** `127.0.0.1:4120` of `http://127.0.0.1:4120/api`: for a simulator that also speaks another protocol. */
const hostOf = (url) => (typeof url === 'string' ? new URL(url).host : undefined);

/**
 * Fills a localEnv value's placeholders: {root}, {self} (the app's own URL), {secret.<name>},
 * {simulator.<name>} (its URL) or {simulator.<name>.host} (its host:port), {app.<name>} (another app's URL). A placeholder
 * with no value is an error naming it (a secret never made, a simulator that did not start).
 */
export function fillPlaceholders(
  value,
  { root, secrets = {}, simulatorUrls = {}, appUrls = {}, self },
  where = value,
) {
  return value.replace(PLACEHOLDER, (_match, placeholder) => {
    const [kind, name, part] = placeholder.split('.', 3);
    const filled =
      placeholder === 'root'
        ? root
        : placeholder === 'self'
          ? self
          : kind === 'secret'
            ? secrets[name]
            : kind === 'simulator'
              ? part === 'host'
                ? hostOf(simulatorUrls[name])
                : simulatorUrls[name]
              : kind === 'app'
                ? appUrls[name]
                : undefined;
    if (typeof filled !== 'string') throw new ManifestError(`${where}: no value for {${placeholder}}`);
    return filled;
  });
}

/** An app's or simulator's env with its placeholders filled. */
export function fillEnv(env, context, where) {
  return Object.fromEntries(
    Object.entries(env ?? {}).map(([key, value]) => [
      key,
      fillPlaceholders(value, context, `${where}.${key}`),
    ]),
  );
}
