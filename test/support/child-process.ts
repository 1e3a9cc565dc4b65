// Test support (not a test file): drive a real `node` child process line by line. Imported by the
// tests of every package by relative path, so no package needs a published dependency for it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How a child process ended, with everything it wrote to stderr. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A running `node` child process: stdout read as lines, stdin written as lines. */
export interface ChildDriver {
  /** Every complete stdout line so far (after {@link exited}: all of them). */
  readonly lines: string[];
  /** Settles once the process has exited and its stdout and stderr are fully read. */
  readonly exited: Promise<ChildExit>;
  /**
   * The `nth` (default: first) stdout line, past or future, matching `re`. Rejects, with the
   * child's stderr, if the process exits before printing it.
   */
  line(re: RegExp, nth?: number): Promise<string>;
  /** Write `text` and a newline to the child's stdin. */
  send(text: string): void;
  /** Close the child's stdin (it reads end of input). */
  endInput(): void;
  /** Send `signal` (default SIGKILL), unless the process has already exited. */
  kill(signal?: NodeJS.Signals): void;
}

/** Options of {@link runChild}. */
export interface RunChildOptions {
  /** Added to this process's environment (which always gets `RAMPART_LOG_LEVEL=silent`). */
  env?: Record<string, string>;
}

/** Spawn `node` with `nodeArgs` (flags, a script and its arguments) and drive it line by line. */
export function runChild(nodeArgs: string[], options: RunChildOptions = {}): ChildDriver {
  const proc = spawn(process.execPath, nodeArgs, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, RAMPART_LOG_LEVEL: 'silent', ...options.env },
  });
  const lines: string[] = [];
  const checks = new Set<() => void>();
  let buffer = '';
  let stderr = '';
  const push = (text: string) => {
    const parts = (buffer + text).split('\n');
    buffer = parts.pop() ?? '';
    if (parts.length === 0) return;
    lines.push(...parts);
    for (const check of [...checks]) check();
  };
  proc.stdout.setEncoding('utf8').on('data', push);
  proc.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  proc.stdin.on('error', () => undefined); // writing to a child that has exited (EPIPE)
  proc.on('error', (error) => (stderr += `spawn failed: ${error.message}\n`));
  // 'close', not 'exit': every line the child printed has been read by then.
  const exited = new Promise<ChildExit>((resolve) =>
    proc.on('close', (code, signal) => {
      if (buffer !== '') push('\n'); // a last line without a newline
      resolve({ code, signal, stderr });
    }),
  );
  return {
    lines,
    exited,
    line: (re, nth = 1) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.filter((l) => re.test(l));
          if (found.length < nth) return;
          checks.delete(check);
          resolve(found[nth - 1]!);
        };
        checks.add(check);
        check();
        void exited.then(({ code, signal, stderr: err }) => {
          if (!checks.delete(check)) return;
          reject(new Error(`child exited (${code ?? signal}) before printing ${nth === 1 ? '' : `${nth}× `}${re}:\n${lines.join('\n')}\n${err}`));
        });
      }),
    send: (text) => void proc.stdin.write(`${text}\n`),
    endInput: () => void proc.stdin.end(),
    kill: (signal = 'SIGKILL') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
}

const swcLoader = fileURLToPath(new URL('./register-swc-loader.mjs', import.meta.url));

/**
 * Run a TypeScript file of this repository in a child `node`: sources are compiled on load by
 * swc-loader.mjs (standard decorators), and `@rampart/<pkg>` resolves to packages/<pkg>/src.
 */
export function runTypeScript(script: string | URL, args: string[] = [], options: RunChildOptions = {}): ChildDriver {
  const path = script instanceof URL ? fileURLToPath(script) : script;
  return runChild(['--conditions=rampart-source', '--import', swcLoader, path, ...args], options);
}
