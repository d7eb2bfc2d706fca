// Bundles the action (main and post step share dist/index.js) with ncc, as ES modules.
// ncc minifies the entry file but not the chunks of on-demand imports: terser does those.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { minify } from 'terser';

rmSync('dist', { recursive: true, force: true });
execFileSync(
  'npx',
  [
    'ncc',
    'build',
    'src/index.ts',
    '-o',
    'dist',
    '--minify',
    '--no-source-map-register',
    '--license',
    'licenses.txt',
    '-q'
  ],
  { stdio: 'inherit' }
);
for (const file of readdirSync('dist').filter(f => /^\d+\.index\.js$/.test(f))) {
  const full = path.join('dist', file);
  const result = await minify(readFileSync(full, 'utf8'), { module: true, compress: true, mangle: true });
  writeFileSync(full, result.code ?? '');
}
writeFileSync('dist/package.json', '{ "type": "module" }\n');
