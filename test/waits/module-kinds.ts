// Test support (not a test file): one wait script, written once as an ES module with top-level
// await, run both as that module and as the CommonJS script a `require()` user would write.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/** How a script loads Rampart: `import` with top-level await, or `require()` in an async IIFE. */
export type ModuleKind = 'esm' | 'cjs';

const IMPORT = /^import\s+(?:(\*\s+as\s+\w+)|(\w+)|\{([^}]*)\})\s+from\s+('[^']+');?[ \t]*\n?/gm;

/**
 * The CommonJS form of an ES-module script: each `import … from 'x'` becomes `require('x')`, and
 * the rest runs in an async IIFE whose rejection is printed with exit code 1. Takes the subset of
 * module syntax the scripts use (named, namespace and default imports; no `import.meta`).
 * `base` is prepended to relative specifiers (`./x.mjs` → `../x.mjs` for a script one folder down).
 */
export function toCommonJs(esm: string, base = '.'): string {
  if (esm.includes('import.meta')) throw new Error('import.meta has no CommonJS form here');
  const requires: string[] = [];
  const body = esm.replace(IMPORT, (_all, namespace: string | undefined, name: string | undefined, names: string | undefined, specifier: string) => {
    const from = /^'\.\.?\//.test(specifier) ? `'${base}/${specifier.slice(1).replace(/^\.\//, '')}` : specifier;
    if (namespace !== undefined) requires.push(`const ${namespace.replace(/^\*\s+as\s+/, '')} = require(${from});`);
    else if (name !== undefined) requires.push(`const ${name} = require(${from});`);
    else requires.push(`const { ${names!.trim().replace(/\s+as\s+/g, ': ')} } = require(${from});`);
    return '';
  });
  if (/^import\s/m.test(body)) throw new Error(`an import the CommonJS form does not handle:\n${body}`);
  const code = body.trim().split('\n').map((line) => (line === '' ? line : `  ${line}`));
  return [
    "'use strict';",
    ...requires,
    '',
    '(async () => {',
    ...code,
    '})().catch((error) => {',
    '  console.error(error);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
}

/**
 * The file to run for `script` (an `.mjs` file) as `kind`: the script itself, or its CommonJS form
 * written to `outDir` (which must sit inside the repository, so `@rampart/*` resolves).
 */
export function scriptFor(script: string, kind: ModuleKind, outDir: string): string {
  if (kind === 'esm') return script;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, '.gitignore'), '*\n');
  const out = join(outDir, basename(script).replace(/\.mjs$/, '.cjs'));
  writeFileSync(out, toCommonJs(readFileSync(script, 'utf8'), relative(outDir, dirname(script)) || '.'));
  return out;
}
