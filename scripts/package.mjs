// Bundles the main and post entry points into dist/ with ncc (ES modules).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const entries = [['src/index.ts', 'dist']];
rmSync('dist', { recursive: true, force: true });
for (const [entry, out] of entries) {
  execFileSync(
    'npx',
    [
      'ncc',
      'build',
      entry,
      '-o',
      out,
      '--minify',
      '--no-source-map-register',
      '--license',
      'licenses.txt',
      '-q'
    ],
    {
      stdio: 'inherit'
    }
  );
}
mkdirSync('dist', { recursive: true });
writeFileSync('dist/package.json', '{ "type": "module" }\n');
