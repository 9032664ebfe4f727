// `npm run manifest:sync`: writes the files that cannot read apps/manifest.json at run time from it:
//   docker/compose.yaml          (every app, its local settings, the simulators it needs)
//   .gitlab-ci.yml               (the image build matrix and the image the migrate job uses)
//   nest-cli.json                (the projects: every app of the manifest, every library)
// `npm run manifest:sync -- --check` writes nothing and fails, naming the files, when one differs from
// what the manifest gives (scripts/manifest-sync.spec.ts runs the same check in `npm test`).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { fillPlaceholders, loadManifest, repositoryRoot } from './manifest.mjs';

const GENERATED =
  'Written by `npm run manifest:sync` from apps/manifest.json: edit the manifest, not this file.';

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
const q = (value) => JSON.stringify(String(value));

/** `{secret.gitlabToken}` in compose: `${GITLAB_TOKEN:-local-gitlab-token}` (overridable, a local default). */
function composeSecret(name) {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  return `\${${snake}:-local-${snake.toLowerCase().replaceAll('_', '-')}}`;
}

/** docker/compose.yaml: PostgreSQL, the one-shot migration, every app, and each app's simulators. */
export function composeYaml(manifest) {
  const lines = [];
  const add = (...more) => lines.push(...more);
  add(
    `# ${GENERATED}`,
    '#',
    '# The platform in containers, close to how it runs on Cloud Run: PostgreSQL 15, a one-shot migration',
    '# (the same image and command as the deploy step), every app built from docker/Dockerfile with the',
    '# settings `npm start` gives it, and the simulators each app needs. For day-to-day work `npm start`',
    '# is quicker.',
    '#',
    '#   docker compose -f docker/compose.yaml up --build',
    '#   curl -X POST -H "Authorization: Bearer local-job-token-0123456789" \\',
    `#     'http://127.0.0.1:${manifest.apps[0].port}/jobs/${manifest.apps[0].jobs[0]?.name ?? 'dispatch-outbox'}?dry_run=1'`,
    '#',
    '# Every value here is a local default, not a secret; override any `${VAR:-default}` from the shell',
    '# or a docker/.env file.',
    'name: university-services',
    '',
    'x-app-build: &app-build',
    '  context: ..',
    '  dockerfile: docker/Dockerfile',
    '',
    '# Settings every app reads (see libs/config/src/base.schema.ts).',
    'x-app-env: &app-env',
    '  NODE_ENV: development',
    '  LOG_LEVEL: ${LOG_LEVEL:-info}',
    '  DATABASE_URL: postgresql://platform:platform@postgres:5432/platform',
    "  DATABASE_POOL_SIZE: '5'",
    "  DATABASE_CONNECT_TIMEOUT_MS: '5000'",
    '  JOB_AUTH_MODE: token',
    '  JOB_TOKEN: ${JOB_TOKEN:-local-job-token-0123456789}',
    '  OPERATOR_TOKEN: ${OPERATOR_TOKEN:-local-operator-token-0123456789}',
    '  JOBS_FORCE_DRY_RUN: ${JOBS_FORCE_DRY_RUN:-true}',
    '  # No SMTP_URL: email goes to the outbox table and a log line.',
    '  MAIL_FROM: University Services Platform (local) <no-reply@example.org>',
    '',
    '# /healthz answers without touching the database. The image has no curl, so node asks (fetch).',
    'x-app-healthcheck: &app-healthcheck',
    '  test:',
    '    - CMD',
    '    - node',
    '    - -e',
    `    - "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`,
    '  interval: 10s',
    '  timeout: 5s',
    '  retries: 3',
    '  start_period: 30s',
    '',
    'services:',
    '  postgres:',
    '    image: postgres:15',
    '    environment:',
    '      POSTGRES_USER: platform',
    '      POSTGRES_PASSWORD: platform',
    '      POSTGRES_DB: platform',
    '    # Not 5432: developer machines already run PostgreSQL there.',
    '    ports:',
    '      - 127.0.0.1:55432:5432',
    '    volumes:',
    '      - postgres-data:/var/lib/postgresql/data',
    '    healthcheck:',
    '      test: [CMD-SHELL, pg_isready -U platform -d platform]',
    '      interval: 2s',
    '      timeout: 5s',
    '      retries: 30',
    '',
    '  # Applies prisma/migrations and exits; the apps start only after it succeeded. Any app image',
    `  # carries the migrations and the command, so this reuses the ${manifest.apps[0].name} image.`,
    '  migrate:',
    '    build:',
    '      <<: *app-build',
    '      args:',
    `        APP: ${manifest.apps[0].name}`,
    `    image: university-services/${manifest.apps[0].name}:local`,
    '    command: [scripts/db-migrate.mjs]',
    '    environment:',
    '      NODE_ENV: production',
    '      DATABASE_URL: postgresql://platform:platform@postgres:5432/platform',
    '    depends_on:',
    '      postgres:',
    '        condition: service_healthy',
    "    restart: 'no'",
  );
  const context = (simulatorUrls, self) => ({
    root: '/app',
    // Apps reach each other by their service names; a person's browser reaches each on the host's loopback.
    appUrls: Object.fromEntries(manifest.apps.map((a) => [a.name, `http://${a.name}:${a.port}`])),
    self,
    secrets: new Proxy(
      {},
      { get: (_t, name) => (typeof name === 'string' ? composeSecret(name) : undefined) },
    ),
    simulatorUrls,
  });
  for (const app of manifest.apps) {
    // The simulators join this app's network namespace (they listen on 127.0.0.1 only).
    const simulatorUrls = Object.fromEntries(
      app.simulators.map((name) => {
        const simulator = manifest.simulators[name];
        return [name, `http://127.0.0.1:${simulator.port}${simulator.path ?? ''}`];
      }),
    );
    const env = { ...app.localEnv, ...app.demoEnv };
    // Files and folders of the checkout the app reads ({root}/...) are mounted read-only.
    const mounts = new Set(
      Object.values(env)
        .filter((value) => value.startsWith('{root}/'))
        .map((value) => value.slice('{root}/'.length)),
    );
    add(
      '',
      `  ${app.name}:`,
      '    build:',
      '      <<: *app-build',
      '      args:',
      `        APP: ${app.name}`,
      `    image: university-services/${app.name}:local`,
      '    environment:',
      '      <<: *app-env',
      `      PORT: '${app.port}'`,
    );
    for (const [key, value] of Object.entries(env)) {
      add(
        `      ${key}: ${q(fillPlaceholders(value, context(simulatorUrls, `http://127.0.0.1:${app.port}`), `${app.name}.${key}`))}`,
      );
    }
    if (mounts.size > 0) {
      add('    volumes:');
      for (const mount of [...mounts].sort()) add(`      - ../${mount}:/app/${mount}:ro`);
    }
    add(
      '    ports:',
      `      - 127.0.0.1:${app.port}:${app.port}`,
      '    healthcheck: *app-healthcheck',
      '    depends_on:',
      '      migrate:',
      '        condition: service_completed_successfully',
    );
    for (const name of app.simulators) {
      const simulator = manifest.simulators[name];
      add(
        '',
        `  # The ${name} simulator of ${app.name}, in that app's network namespace; it runs from the`,
        '  # `build` stage, which holds the compiled simulators.',
        `  ${app.name}-${name}-simulator:`,
        '    build:',
        '      <<: *app-build',
        '      target: build',
        '    image: university-services/build:local',
        `    command: [node, dist/simulators/${name}/main.js]`,
        '    environment:',
        `      PORT: '${simulator.port}'`,
      );
      for (const [key, value] of Object.entries(simulator.env ?? {})) {
        add(`      ${key}: ${q(fillPlaceholders(value, context({}), `simulators.${name}.${key}`))}`);
      }
      add(`    network_mode: service:${app.name}`, '    depends_on:', `      - ${app.name}`);
    }
  }
  add('', 'volumes:', '  postgres-data:', '');
  return lines.join('\n');
}

/** .gitlab-ci.yml with the build matrix and the migrate job's image taken from the manifest. */
export function gitlabCi(current, manifest) {
  const names = manifest.apps.map((app) => app.name);
  const matrix = /(\n(\s*)# One image per app[^\n]*\n\s*- APP: )\[[^\]\n]*\]/;
  const migrate = /(\n\s*MIGRATE_IMAGE_APP: )\S+/;
  if (!matrix.test(current))
    throw new Error('.gitlab-ci.yml: the build matrix line `- APP: [...]` was not found');
  if (!migrate.test(current)) throw new Error('.gitlab-ci.yml: `MIGRATE_IMAGE_APP:` was not found');
  return current.replace(matrix, `$1[${names.join(', ')}]`).replace(migrate, `$1${names[0]}`);
}

/** nest-cli.json: one project per app of the manifest and per library with a src/index.ts. */
export function nestCli(manifest, root = repositoryRoot) {
  const libs = readdirSync(path.join(root, 'libs'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, 'libs', entry.name, 'src/index.ts')))
    .map((entry) => entry.name)
    .sort();
  const first = manifest.apps[0].name;
  const projects = {};
  for (const app of manifest.apps) {
    projects[app.name] = {
      type: 'application',
      root: `apps/${app.name}`,
      entryFile: 'main',
      sourceRoot: `apps/${app.name}/src`,
    };
  }
  for (const lib of libs) {
    projects[lib] = {
      type: 'library',
      root: `libs/${lib}`,
      entryFile: 'index',
      sourceRoot: `libs/${lib}/src`,
    };
  }
  return `${JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/nest-cli',
      $comment: GENERATED,
      collection: '@nestjs/schematics',
      monorepo: true,
      root: `apps/${first}`,
      sourceRoot: `apps/${first}/src`,
      compilerOptions: { builder: 'swc', typeCheck: false, tsConfigPath: 'tsconfig.json' },
      projects,
    },
    null,
    2,
  )}\n`;
}

/** Every generated file: { file (relative), expected (formatted as Prettier would), actual }. */
export async function generatedFiles(root = repositoryRoot) {
  const manifest = loadManifest(path.join(root, 'apps/manifest.json'));
  const read = (file) =>
    existsSync(path.join(root, file)) ? readFileSync(path.join(root, file), 'utf8') : '';
  const raw = {
    'docker/compose.yaml': composeYaml(manifest),
    '.gitlab-ci.yml': gitlabCi(read('.gitlab-ci.yml'), manifest),
    'nest-cli.json': nestCli(manifest, root),
  };
  return Promise.all(
    Object.entries(raw).map(async ([file, text]) => {
      const filepath = path.join(root, file);
      const options = (await resolveConfig(filepath)) ?? {};
      return { file, expected: await format(text, { ...options, filepath }), actual: read(file) };
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  try {
    const files = await generatedFiles();
    const stale = files.filter((f) => f.expected !== f.actual);
    if (check) {
      if (stale.length > 0) {
        console.error(
          `Not in step with apps/manifest.json: ${stale.map((f) => f.file).join(', ')}. Run \`npm run manifest:sync\`.`,
        );
        process.exit(1);
      }
      console.log('Generated files are in step with apps/manifest.json.');
    } else {
      for (const f of stale) writeFileSync(path.join(repositoryRoot, f.file), f.expected);
      console.log(stale.length === 0 ? 'Nothing to write.' : `Wrote ${stale.map((f) => f.file).join(', ')}.`);
    }
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
