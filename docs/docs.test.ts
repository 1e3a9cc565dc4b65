// Every ```ts code block in docs/*.md (and README.md) is run here, so the docs stay true to the code.
// A block fenced as ```ts no-run is only shown (e.g. a fragment of a class); every other block must
// be a complete module that runs to completion without network access beyond loopback.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { deleteDocsKeys } from '../test/support/docs-redis-keys.js';

const docsDir = dirname(fileURLToPath(import.meta.url));
const outDir = join(docsDir, '.snippets');

function blocks(markdown: string): string[] {
  const out: string[] = [];
  const re = /```(ts|typescript)([^\n]*)\n([\s\S]*?)```/g;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    if (!/no-run/.test(m[2] ?? '')) out.push(m[3] ?? '');
  }
  return out;
}

const files = [
  ...readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(docsDir, f)),
  join(docsDir, '..', 'README.md'),
];

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

describe('docs code blocks run', () => {
  afterAll(() => deleteDocsKeys([process.pid])); // the Redis examples' keys, named after this process
  for (const file of files) {
    const snippets = blocks(readFileSync(file, 'utf8'));
    snippets.forEach((code, i) => {
      const name = `${file.split('/').pop()!.replace(/\.md$/, '')}-${i + 1}.ts`;
      it(`${file.split('/').pop()} block ${i + 1}`, async () => {
        const path = join(outDir, name);
        writeFileSync(path, code);
        await import(pathToFileURL(path).href);
      });
    });
  }
});
