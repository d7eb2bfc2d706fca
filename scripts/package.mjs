// Bundles the action (main and post step share dist/index.js) with esbuild, as ES modules: each
// stage's on-demand import becomes its own chunk, so a run parses only the code it reaches.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { minify } from 'terser';

// Modules that only define things: when nothing imported from them is used, loading them can be
// skipped. @actions/core imports at its top its OIDC client (and with it @actions/http-client and
// undici, 400 KB), for getIDToken alone, and its platform details (with @actions/exec and
// @actions/io), for core.platform alone; without this every run would load all of them at start.
const DEFINITIONS_ONLY = /^(@actions\/http-client|\.\/oidc-utils\.js|\.\/platform\.js)$/;
const CORE = `${path.sep}node_modules${path.sep}@actions${path.sep}core${path.sep}`;

const definitionsOnly = {
  name: 'definitions-only',
  setup(build) {
    build.onResolve(
      { filter: DEFINITIONS_ONLY },
      async ({ path: request, importer, kind, resolveDir, pluginData }) => {
        // The relative ones are @actions/core's own files, no other package's.
        if (pluginData?.resolving || (request.startsWith('./') && !importer.includes(CORE))) return undefined;
        const found = await build.resolve(request, { kind, resolveDir, pluginData: { resolving: true } });
        return { ...found, sideEffects: false };
      }
    );
  }
};

// @actions/core imports node:crypto at its top for one call, randomUUID (a file command's delimiter),
// and loading node:crypto takes about 6 ms before the first docker call. Core gets a module that
// loads it at that call instead; a core that uses more of it fails the build (import-is-undefined).
const lazyCrypto = {
  name: 'lazy-crypto',
  setup(build) {
    build.onResolve({ filter: /^(node:)?crypto$/ }, ({ importer }) =>
      importer.includes(CORE) ? { path: 'crypto', namespace: 'lazy-crypto' } : undefined
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({
      contents: "export const randomUUID = () => process.getBuiltinModule('node:crypto').randomUUID();",
      loader: 'js'
    }));
  }
};

/**
 * Puts every module the entry loads at start into one chunk. esbuild gives each set of entry points
 * that share code its own chunk, so the start path came in 22 files, and loading each file costs
 * about 0.35 ms on top of its code. Each on-demand entry (an `import()`) is made to import the
 * start modules too: loaded by then, they cost it nothing, and all share the one set of entries.
 */
function oneStartChunk({ outputs }) {
  const reached = new Set();
  const visit = file => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit('dist/index.js');
  // The project's own modules: the packages they use follow them. Importing a package's module for
  // itself would keep what esbuild leaves out (@actions/core's platform details, CommonJS run at start).
  const startModules = [...reached]
    .flatMap(file =>
      Object.entries(outputs[file].inputs).flatMap(([input, { bytesInOutput }]) =>
        bytesInOutput > 0 ? [input] : []
      )
    )
    .filter(input => input.startsWith('src/') && input !== 'src/index.ts');
  const onDemand = new Set(
    Object.values(outputs).flatMap(o =>
      o.entryPoint?.startsWith('src/') && o.entryPoint !== 'src/index.ts' ? [o.entryPoint] : []
    )
  );
  const imports = startModules.map(m => `import ${JSON.stringify(path.resolve(m))};\n`).join('');
  return {
    name: 'one-start-chunk',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, ({ path: file }) => {
        if (!onDemand.has(path.relative(process.cwd(), file))) return undefined;
        return {
          contents: `${imports}${readFileSync(file, 'utf8')}`,
          loader: file.endsWith('ts') ? 'ts' : 'js'
        };
      });
    }
  };
}

const options = {
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  metafile: true,
  legalComments: 'none',
  plugins: [definitionsOnly, lazyCrypto],
  // The CommonJS packages in the bundle require Node's built-ins: ES modules have no `require`.
  banner: { js: "import{createRequire as __req}from'node:module';const require=__req(import.meta.url);" },
  logLevel: 'warning',
  logOverride: { 'import-is-undefined': 'error' }
};
rmSync('dist', { recursive: true, force: true });
const { metafile: firstPass } = await esbuild.build({ ...options, write: false });
const { metafile } = await esbuild.build({
  ...options,
  plugins: [...options.plugins, oneStartChunk(firstPass)]
});
// terser takes another 9 % off what esbuild's minifier leaves, keeping dist/ under 2 MB.
for (const file of readdirSync('dist').filter(f => f.endsWith('.js'))) {
  const full = path.join('dist', file);
  const { code } = await minify(readFileSync(full, 'utf8'), {
    module: true,
    compress: { passes: 2 },
    mangle: true
  });
  writeFileSync(full, code ?? '');
}
writeFileSync('dist/package.json', '{ "type": "module" }\n');
writeFileSync('dist/licenses.txt', licenses(metafile));

/** Each bundled package's name, licence and licence text, as ncc's licenses.txt had them. */
function licenses({ inputs }) {
  const roots = new Set();
  for (const input of Object.keys(inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) roots.add(match[1]);
  }
  return [...roots]
    .map(root => {
      const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
      const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE']
        .map(name => path.join(root, name))
        .find(existsSync);
      const text = file ? readFileSync(file, 'utf8').trim() : '';
      return { name: `${manifest.name}@${manifest.version}`, body: `${manifest.license ?? ''}\n${text}` };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((entry, i, all) => i === 0 || all[i - 1].name !== entry.name)
    .map(({ name, body }) => `${name}\n${body}\n`)
    .join('\n');
}
