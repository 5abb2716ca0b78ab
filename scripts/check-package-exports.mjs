// After `pnpm build`: loads every public entry point of every package both ways, with `import`
// and with `require`, and checks they expose the same names. Run by .ci/run.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
let failures = 0;
for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const require = createRequire(join(dir, 'package.json'));
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== 'object') continue;
    const cjs = require(join(dir, target.require));
    const esm = await import(pathToFileURL(join(dir, target.import)).href);
    const cjsNames = Object.keys(cjs)
      .filter((n) => n !== '__esModule')
      .sort();
    const esmNames = Object.keys(esm)
      .filter((n) => n !== 'default')
      .sort();
    const same = JSON.stringify(cjsNames) === JSON.stringify(esmNames);
    const sameValues = cjsNames.every((n) => cjs[n] === esm[n]);
    if (!same || !sameValues || cjsNames.length === 0) {
      failures++;
      console.error(`${pkg.name}${subpath.slice(1)}: require ${cjsNames} vs import ${esmNames}`);
    } else {
      console.log(`${pkg.name}${subpath.slice(1)}: ${cjsNames.length} exports, identical through import and require`);
    }
  }
}
process.exit(failures ? 1 : 0);
