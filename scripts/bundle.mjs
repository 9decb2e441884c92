#!/usr/bin/env node
// Bundles tsc's output for the command line and the programmatic entry into dist/bundle/ (run by `npm run build`
// after tsc): node loads some 30 files instead of ~350 modules at start. Lazy imports stay lazy (code splitting
// keeps each one a chunk).
// bin/minikapi uses the bundle only while dist/bundle/built-from matches dist/.tsbuildinfo (a later tsc run
// without this step falls back to dist/cli/main.js).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'bundle');

/**
 * A module that finds files relative to itself (createRequire(import.meta.url), new URL(x, import.meta.url)) keeps
 * finding them from its place in dist/: its import.meta.url becomes its own file's URL, worked out from the chunk's.
 */
const ownLocation = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(OUT, args.path).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

/** Whether node loads this file as CommonJS (.cjs, or .js under a package.json without "type": "module"). */
function isCommonJS(file) {
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type !== 'module';
    } catch {
      /* no package.json here: look further up */
    }
  }
  return true;
}

/**
 * `await import('cjs-package')` gives node's named exports (prom-client's Registry, yaml's parse); esbuild's chunk
 * for it would give only `default`. Such an import goes through a small ES module naming each export instead, so it
 * still shares the one bundled copy with the static imports of the same package.
 */
const commonJSNamespaces = {
  name: 'commonjs-dynamic-import-namespaces',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.path.startsWith('node:')) return undefined;
      const r = await b.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer });
      if (r.errors.length || r.external || !isCommonJS(r.path)) return undefined;
      return { path: args.path, namespace: 'commonjs-namespace', pluginData: { resolveDir: args.resolveDir, file: r.path } };
    });
    b.onLoad({ filter: /.*/, namespace: 'commonjs-namespace' }, (args) => {
      const names = Object.keys(createRequire(args.pluginData.file)(args.pluginData.file)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
      const spec = JSON.stringify(args.path);
      return { contents: `import m from ${spec};\nexport default m;\nexport const { ${names.join(', ')} } = m;\n`, resolveDir: args.pluginData.resolveDir, loader: 'js' };
    });
  },
};

/** The tsc build the bundle was made from: bin/minikapi compares it with dist/.tsbuildinfo. */
function tscStamp() {
  try {
    const s = statSync(join(DIST, '.tsbuildinfo'));
    return `${s.size} ${s.mtimeMs}`;
  } catch {
    return '';
  }
}

rmSync(OUT, { recursive: true, force: true });
const stamp = tscStamp();
const result = await build({
  // the command line and the programmatic entry (import { startCluster } from 'minikapi'), sharing chunks
  entryPoints: { main: join(DIST, 'cli', 'main.js'), index: join(DIST, 'index.js') },
  outdir: OUT,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // the native SQLite binding and etcd3's gRPC stack load from node_modules as they are
  external: ['better-sqlite3', 'etcd3'],
  // bundled CommonJS dependencies call require(); ESM has none of its own
  banner: { js: "import { createRequire as __minikapiCreateRequire } from 'node:module'; const require = __minikapiCreateRequire(import.meta.url);" },
  plugins: [ownLocation, commonJSNamespaces],
  logLevel: 'warning',
  metafile: process.argv.includes('--metafile'),
  // maps to dist/'s files for NODE_OPTIONS=--enable-source-maps; not on by default (+60 ms and +12 MiB at start)
  sourcemap: 'linked',
  sourcesContent: false,
  // no comments or indentation: less source for node to read and for V8 to keep (names stay as they are)
  minifyWhitespace: true,
  charset: 'ascii',
});
// V8 keeps each chunk's source while its functions live, at two bytes per character once one is not Latin-1; esbuild
// escapes strings but not regular expression literals, so a µ in a regex doubles the memory its chunk takes
for (const file of readdirSync(OUT).filter((f) => f.endsWith('.js'))) {
  const text = readFileSync(join(OUT, file), 'utf8');
  const at = text.search(/[^\x00-\x7f]/);
  if (at >= 0) throw new Error(`bundle: ${file} has a non-ASCII character near ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}: write it as a \\u escape in the source`);
}
// the schema's model file is read at given offsets: copied byte for byte (tsc would reprint a JSON file it emits)
mkdirSync(join(DIST, 'schema', 'generated'), { recursive: true });
copyFileSync(join(ROOT, 'src', 'schema', 'generated', 'models.json'), join(DIST, 'schema', 'generated', 'models.json'));
writeFileSync(join(OUT, 'built-from'), stamp + '\n');
if (result.metafile) writeFileSync(join(DIST, 'bundle-meta.json'), JSON.stringify(result.metafile));
if (process.argv.includes('--verbose')) process.stdout.write(`bundle: ${pathToFileURL(OUT).href} from tsc build ${stamp}\n`);
