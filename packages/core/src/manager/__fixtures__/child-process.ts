import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from '@swc/core';

const here = dirname(fileURLToPath(import.meta.url));
const coreSrc = join(here, '../..');
const repoRoot = join(coreSrc, '../../..');

const RELATIVE_IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g;

/**
 * Compile the given files of this __fixtures__ folder, and every core source they import
 * (followed through relative imports), to plain ESM JavaScript with swc, so that a child `node`
 * process can run them. The output sits under the repository's node_modules/.cache, so that bare
 * imports (pino, zod, lru-cache) resolve. Returns the output directory (mirroring `src/`) and a
 * cleanup function.
 */
export async function buildCoreForChild(fixtures: string[]): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = join(repoRoot, 'node_modules/.cache', `rampart-child-${process.pid}-${randomBytes(4).toString('hex')}`);
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const seen = new Set<string>();
  const compile = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = await readFile(file, 'utf8');
    const { code } = await transform(source, {
      filename: file,
      jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { decoratorVersion: '2022-03' }, target: 'es2022' },
      module: { type: 'es6' },
      sourceMaps: false,
    });
    const target = join(dir, relative(coreSrc, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, code);
    const imports = [...source.matchAll(RELATIVE_IMPORT)].map((m) => join(dirname(file), `${m[1]}.ts`));
    await Promise.all(imports.map(compile));
  };
  try {
    await Promise.all(fixtures.map((f) => compile(join(here, f))));
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { dir, cleanup };
}

/** A running child process with its output so far. */
export interface Child {
  readonly stdout: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves with the first stdout line matching `re`. */
  line(re: RegExp): Promise<string>;
  kill(signal: NodeJS.Signals): void;
}

/** Run a compiled fixture with node. */
export function runChild(script: string, args: string[] = []): Child {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RAMPART_LOG_LEVEL: 'silent' } });
  const stdout: string[] = [];
  let stderr = '';
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  let buffer = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const l of lines) {
      stdout.push(l);
      for (const w of waiters.filter((w) => w.re.test(l))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    stdout,
    exited,
    line: (re) => {
      const found = stdout.find((l) => re.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ re, resolve });
        void exited.then(({ code, signal, stderr }) => reject(new Error(`child exited (${code ?? signal}) before printing ${re}:\n${stderr}`)));
      });
    },
    kill: (signal) => proc.kill(signal),
  };
}
