// `node scripts/smoke-env.mjs <app> <database url>`: an app's settings in the shape it gets on Cloud
// Run (terraform/modules/platform: production, IAM job auth, the cloud's own backends), as an
// env-file (KEY=value lines) for `docker run --env-file`. The container smoke test
// (docker/smoke-test.sh) starts the image with it and waits for /healthz.
//
// Values are placeholders, never secrets: hosts under .invalid, made-up tokens. The app-specific
// settings come from the manifest's localEnv (every setting the app needs), with the few that
// differ in the cloud set as Terraform sets them.
import { fileURLToPath } from 'node:url';
import { fillEnv, loadManifest } from './manifest.mjs';

const PROJECT = 'smoke-project';

/** Settings every app gets from terraform/modules/platform (common_env, modules/app's auth_env). */
function platformEnv(app, databaseUrl) {
  return {
    NODE_ENV: 'production',
    PORT: '8080',
    LOG_LEVEL: 'info',
    GOOGLE_CLOUD_PROJECT: PROJECT,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    DATABASE_CONNECT_TIMEOUT_MS: '5000',
    DATABASE_IAM_AUTH: 'false',
    JOBS_FORCE_DRY_RUN: 'true',
    OPERATOR_EMAILS: 'operator@example.org',
    MAIL_FROM: 'University Services Platform <no-reply@example.org>',
    SMTP_URL: 'smtp://smtp.smoke.invalid:25',
    JOB_AUTH_MODE: 'iam',
    JOB_ALLOWED_EMAILS: `${app}-sched@${PROJECT}.iam.gserviceaccount.com`,
  };
}

/** What Terraform sets differently from a local run (modules/platform local.app_env). */
const CLOUD_ENV = {
  'covid-pool': { SHEETS_SOURCE: 'google', SHEETS_DIR: undefined },
  'storage-gateway': {
    AUTH_MODE: 'oidc',
    JOB_AUTH_MODE: 'oidc',
    OIDC_AUDIENCE: 'https://storage-gateway-000000000000.europe-west2.run.app',
    DOCUMENTS_BUCKET: `${PROJECT}-storage-documents`,
    TASKS_MODE: 'cloud-tasks',
    TASKS_LOCATION: 'europe-west2',
    TASKS_QUEUE: 'storage-gateway',
    TASKS_SERVICE_ACCOUNT: `storage-gateway-run@${PROJECT}.iam.gserviceaccount.com`,
    TASKS_TARGET_URL: 'https://storage-gateway-000000000000.europe-west2.run.app',
  },
  'ella-ops': {
    AUTH_MODE: 'oidc',
    JOB_AUTH_MODE: 'oidc',
    OIDC_AUDIENCE: 'https://ella-ops-000000000000.europe-west2.run.app',
    TASKS_MODE: 'cloud-tasks',
    TASKS_LOCATION: 'europe-west2',
    TASKS_QUEUE: 'ella-ops',
    TASKS_SERVICE_ACCOUNT: `ella-ops-run@${PROJECT}.iam.gserviceaccount.com`,
    TASKS_TARGET_URL: 'https://ella-ops-000000000000.europe-west2.run.app',
  },
};

export function smokeEnv(appName, databaseUrl, manifest = loadManifest()) {
  const app = manifest.apps.find((candidate) => candidate.name === appName);
  if (app === undefined) throw new Error(`no app ${appName} in apps/manifest.json`);
  const made = (name) => `smoke-${name}-0123456789abcdef`;
  const local = fillEnv(
    app.localEnv,
    {
      root: '/tmp/smoke',
      self: 'https://self.smoke.invalid',
      secrets: new Proxy({}, { get: (_target, name) => made(String(name)) }),
      simulatorUrls: new Proxy({}, { get: (_target, name) => `https://${String(name)}.smoke.invalid` }),
      appUrls: new Proxy({}, { get: (_target, name) => `https://${String(name)}.smoke.invalid` }),
    },
    `apps/manifest.json ${app.name}.localEnv`,
  );
  const env = { ...local, ...platformEnv(app.name, databaseUrl), ...(CLOUD_ENV[app.name] ?? {}) };
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [appName, databaseUrl] = process.argv.slice(2);
  if (!appName || !databaseUrl) {
    console.error('usage: node scripts/smoke-env.mjs <app> <database url>');
    process.exit(2);
  }
  for (const [key, value] of Object.entries(smokeEnv(appName, databaseUrl))) {
    if (value.includes('\n')) throw new Error(`${key}: an env-file value cannot span lines`);
    console.log(`${key}=${value}`);
  }
}
