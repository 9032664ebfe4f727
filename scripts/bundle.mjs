// The second step of the build (scripts/build.mjs): each app's entry point, dist/apps/<app>/main.js,
// and the boot benchmark's bare Nest app are bundled with esbuild, in place. Why: an app starts by
// loading and compiling its modules, and Node's loader spends much of that on finding, reading and
// linking files one by one; one module for the app's own code cuts that, and the app boots faster.
// The bundle is main.bundle.js, and main.js becomes a launcher that imports it after narrowing source
// maps to our own files (see `launcher`).
// Beside main.js go its chunks, dist/apps/<app>/chunk.<name>-<hash>.js: code shared by main.js and
// what it imports on demand (loaded at every boot with main.js), and what it imports on demand (a
// Prisma client, covid-pool's Google Sheets source). They are in main.js's folder so that
// `import.meta.url` below means the same in every output file.//
// What goes into the bundle: our own code (apps/, libs/, the generated Prisma clients). zod, an
// ES-module library of about 100 files loaded at every boot, becomes one module of its own beside it,
// vendor.zod.js, without a source map (see `VENDORED`). Every other package stays an import of
// node_modules as before: Nest's packages must stay one copy shared with the framework, and most of
// the rest are CommonJS, loaded at first use, or carry files of their own.
//
// The swc output stays in dist/ beside the bundle (the essm-sync CLI, the simulators, the benchmarks
// and the migrate command run from it). Source maps chain back to the TypeScript sources.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/**
 * Packages bundled into a module of their own beside the bundle (`vendor.<name>.js`), imported from
 * there; every other package stays an import of node_modules. zod is about 100 files (60 of them
 * messages in other languages, left out): one module loads faster. Not inlined into the bundle,
 * because the bundle has a source map, and Node reads and indexes the map of every mapped module it
 * loads (some ms per 100 KB, zod is 400 KB); a frame inside zod names vendor.zod.js, as frames inside
 * other packages name their own files. Only the package's main entry may be imported (one copy).
 */
const VENDORED = new Map([['zod', 'vendor.zod.js']]);

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every bare import (a package, or a `node:` builtin) stays an import, except the inlined packages. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const vendored = VENDORED.get(args.path);
      if (vendored !== undefined) return { path: `./${vendored}`, external: true };
      if (VENDORED.has(packageName(args.path)))
        throw new Error(`${args.importer}: import ${packageName(args.path)} itself, not ${args.path}`);
      return { path: args.path, external: true };
    });
  },
};

/** The name each output file gives a `require` of its own (ES modules have none). */
const REQUIRE = '__uspRequire';
/** Defines REQUIRE at the top of every output file: `require` relative to the file, as Node's own. */
const REQUIRE_BANNER = `import { createRequire as __uspCreateRequire } from 'node:module'; const ${REQUIRE} = __uspCreateRequire(import.meta.url);`;

/** Whether the file is CommonJS by Node's rules: .cjs, or .js of a package not of type "module". */
function isCommonJsFile(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type !== 'module';
    if (path.dirname(dir) === dir) return true;
  }
}

/** Whether the source parses as a CommonJS module body (an ES module's import/export does not). */
function parsesAsCommonJs(file) {
  try {
    new vm.Script(
      `(function (exports, require, module, __filename, __dirname) {\n${readFileSync(file, 'utf8')}\n})`,
      {
        filename: file,
      },
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `specifier` may be required instead of imported: an import and a require resolve it to
 * the same file (a package with separate ES module and CommonJS files would otherwise be loaded
 * twice, and its classes fail `instanceof` across the copies), and that file is CommonJS, by its
 * package and by its syntax (Node runs a .js file without "type" that uses import/export as an ES
 * module). Resolution from this script finds the same node_modules as the bundle does at run time.
 */
function requirable(specifier) {
  try {
    const imported = fileURLToPath(import.meta.resolve(specifier));
    const required = createRequire(import.meta.url).resolve(specifier);
    return imported === required && isCommonJsFile(imported) && parsesAsCommonJs(imported);
  } catch {
    return false;
  }
}

/**
 * A package that Node would import as CommonJS is required instead (see `requirable`). Why:
 * importing a .js file of a package without `"type"` makes Node's ES module loader compile it once
 * to detect its syntax, and then again as CommonJS; `require` compiles it once. The Prisma runtime
 * (200 KB, imported by every app at boot) is such a file: about 8 ms of every boot. What the
 * importing code sees is the same: `module.exports` as the default export and its properties as the
 * named ones, from the one module instance Node keeps for the file.
 */
const requireCommonJs = {
  name: 'require-commonjs',
  setup(build) {
    const commonJs = new Map();
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'import-statement' || args.path.startsWith('node:')) return undefined;
      if (VENDORED.has(packageName(args.path))) return undefined;
      let cjs = commonJs.get(args.path);
      if (cjs === undefined) {
        cjs = requirable(args.path);
        commonJs.set(args.path, cjs);
      }
      return cjs ? { path: args.path, namespace: 'require-commonjs' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'require-commonjs' }, (args) => ({
      contents: `module.exports = ${REQUIRE}(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * `import.meta.url` keeps meaning the module's own file: code finds files beside it (page
 * templates, prisma/migrations, the generated clients), so in the bundle each module's
 * `import.meta.url` becomes the URL of the file it was built from.
 */
function ownImportMetaUrl(outDir) {
  return {
    name: 'own-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, async (args) => {
        const code = await readFile(args.path, 'utf8');
        if (!code.includes('import.meta.url')) return undefined;
        let relative = path.relative(outDir, args.path).split(path.sep).join('/');
        if (!relative.startsWith('.')) relative = `./${relative}`;
        return {
          contents: code.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(relative)}, import.meta.url).href`,
          ),
          loader: 'js',
        };
      });
    },
  };
}

/**
 * zod's messages in English only: its entry point imports the messages of every language it has
 * (about 60 modules, a third of its code) to offer them as `z.locales`; the platform uses none of
 * them (English is zod's default, set from `en` directly).
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';",
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Map([...BASE64].map((char, value) => [char, value]));

/** The Base64 VLQ values of one source-map segment. */
function decodeSegment(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64_VALUE.get(char);
    if (digit === undefined) throw new Error(`not a source-map character: ${char}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeValue(value) {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = '';
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    out += BASE64[digit];
  } while (rest > 0);
  return out;
}

/**
 * The map with one mapping per generated line (the line's first mapped position) and no names.
 * Why: with --enable-source-maps Node parses a module's whole map the first time a stack passes
 * through it (an error's stack; pino, which the apps used then, looked up its callers' files with
 * util.getCallSites at every boot). A bundle's full map (a mapping per token) took 45-65 ms of CPU and megabytes
 * of memory to parse; a line's first mapping is what a stack trace needs to name the TypeScript
 * file and line.
 */
export function lineMappings(map) {
  const lines = map.mappings.split(';');
  const out = [];
  // Absolute values, carried across lines as the format's deltas are.
  let source = 0;
  let line = 0;
  let column = 0;
  let previous = { source: 0, line: 0, column: 0 };
  for (const generated of lines) {
    let kept = '';
    let generatedColumn = 0;
    for (const segment of generated === '' ? [] : generated.split(',')) {
      const values = decodeSegment(segment);
      generatedColumn += values[0];
      if (values.length < 4) continue;
      source += values[1];
      line += values[2];
      column += values[3];
      if (kept !== '') continue;
      kept =
        encodeValue(generatedColumn) +
        encodeValue(source - previous.source) +
        encodeValue(line - previous.line) +
        encodeValue(column - previous.column);
      previous = { source, line, column };
    }
    out.push(kept);
  }
  return { ...map, names: [], mappings: out.join(';') };
}

/**
 * A vendored package as one ES module at `outFile`: English only for zod, no source map, and without
 * `keepNames`. Why: keepNames makes esbuild add a `__name(fn, "fn")` call (a defineProperty at load)
 * for each of zod's 664 functions and classes, 25 KB of the module; without it, loading zod in a
 * process that had loaded Nest took 17.2 ms instead of 18.8 (median of 25 starts each). Nothing reads
 * the names of zod's functions: its schema classes get theirs from `$constructor`. Only a function
 * whose name collides with another module's in the bundle is renamed (`string2`), in stack frames.
 */
async function bundleVendored(name, outFile) {
  await esbuild.build({
    entryPoints: [fileURLToPath(import.meta.resolve(name))],
    outfile: outFile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    keepNames: false,
    sourcemap: false,
    logLevel: 'error',
    plugins: [zodEnglishOnly],
  });
}

/**
 * What an entry becomes: source maps for the app's own files only, then the bundle. Why: Node,
 * mapping stack traces (`--enable-source-maps`), reads and indexes the map of every module it loads
 * that has one, node_modules included: for rxjs alone (every Nest app loads 226 of its files) that was
 * about 30 ms of every boot, and 50 ms with the Prisma runtime and pg. Stack frames of our own code
 * (the bundle) still name the TypeScript file and line; frames inside packages name their .js files.
 * The setting holds for modules loaded after it, hence the bundle is imported after it, not statically.
 */
export function launcher(bundleFile, app) {
  const name = JSON.stringify(app);
  return [
    '// Written by scripts/bundle.mjs: stack traces mapped to the sources of our own files (not those of',
    '// node_modules, whose maps would cost every start), then the app, bundled beside this file. A',
    '// failure while the bundle loads is one CRITICAL log line and exit 1, as a failed start is.',
    "import { writeSync } from 'node:fs';",
    "import { setSourceMapsSupport } from 'node:module';",
    'setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });',
    'try {',
    `  await import(${JSON.stringify(`./${bundleFile}`)});`,
    '} catch (error) {',
    '  const detail = (error instanceof Error ? (error.stack ?? error.message) : String(error)).replace(',
    '    /([a-z][a-z0-9+.-]*:\\/\\/)[^/@\\s:]+(:[^/@\\s]*)?@/gi,',
    "    '$1[redacted]@',",
    '  );',
    `  const line = { severity: 'CRITICAL', app: ${name}, message: ${JSON.stringify(`${app} did not start: `)} + detail };`,
    '  writeSync(2, `${JSON.stringify(line)}\\n`);',
    '  process.exit(1);',
    '}',
    '',
  ].join('\n');
}

/**
 * Bundles `entry` (a built main.js) in place: the bundle is written beside it as `<name>.bundle.js`
 * and the entry becomes its `launcher`. Returns how many files the bundle was made from.
 */
export async function bundleEntry(entry) {
  const outDir = path.dirname(entry);
  const bundleName = `${path.basename(entry, '.js')}.bundle`;
  const result = await esbuild.build({
    entryPoints: [{ in: entry, out: bundleName }],
    outdir: outDir,
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk.[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node24',
    // Nest and our logs name classes by their `name`; a bundle must not rename them.
    keepNames: true,
    // Not minified: that saved a little CPU but cost 5-12 MB more resident memory at boot
    // (measured with `npm run bench -- boot`), and stack traces stay readable without a map.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'error',
    banner: { js: REQUIRE_BANNER },
    plugins: [requireCommonJs, externalPackages, ownImportMetaUrl(outDir)],
  });
  // Built when an output file imports it (esbuild's own record of each output's imports).
  const imported = new Set(
    Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path)),
  );
  for (const [name, file] of VENDORED) {
    if (imported.has(`./${file}`)) await bundleVendored(name, path.join(outDir, file));
  }
  for (const output of Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'))) {
    const mapFile = `${path.resolve(output)}.map`;
    if (!existsSync(mapFile)) continue;
    await writeFile(mapFile, JSON.stringify(lineMappings(JSON.parse(await readFile(mapFile, 'utf8')))));
  }
  await writeFile(entry, launcher(`${bundleName}.js`, path.basename(outDir)));
  // The swc map of the entry described the code now in the bundle.
  await rm(`${entry}.map`, { force: true });
  return Object.keys(result.metafile.inputs).length;
}

/** The entry points bundled: each app's main.js and the bare Nest app of the boot benchmark. */
export async function bundleEntries(dist) {
  const entries = [];
  for (const app of await readdir(path.join(dist, 'apps')).catch(() => [])) {
    const main = path.join(dist, 'apps', app, 'main.js');
    if (existsSync(main)) entries.push(main);
  }
  const bare = path.join(dist, 'bench', 'bare-nest', 'main.js');
  if (existsSync(bare)) entries.push(bare);
  return entries;
}
