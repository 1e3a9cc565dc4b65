import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./channel-receiver.child.ts', import.meta.url));
const loader = fileURLToPath(new URL('./register-swc-loader.mjs', import.meta.url));

/** A receiving team in a child process (channel-receiver.child.ts). */
export interface ReceiverProcess {
  readonly lines: string[];
  /** Resolves once stdout has `count` lines matching `re`; rejects if the process exits first. */
  lines$(re: RegExp, count?: number): Promise<string[]>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

export function startReceiverProcess(keyPrefix: string, team: string, mode: 'count' | 'hang', count = 0): ReceiverProcess {
  const proc = spawn(process.execPath, ['--conditions=rampart-source', '--import', loader, script, keyPrefix, team, mode, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let stderr = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    const parts = (buffer + chunk.toString()).split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of [...waiters]) w();
  });
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return {
    lines,
    exited,
    lines$: (re, n = 1) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.filter((l) => re.test(l));
          if (found.length < n) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
        void exited.then(({ code, signal, stderr: err }) => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          reject(new Error(`receiver exited (${code ?? signal}) before printing ${n}× ${re}:\n${lines.join('\n')}\n${err}`));
        });
      }),
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}
