import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./replica.child.ts', import.meta.url));
const loader = fileURLToPath(new URL('./register-swc-loader.mjs', import.meta.url));

/** A {@link ReplicaTeam} running in a child process (replica.child.ts), driven over stdin/stdout. */
export interface ReplicaProcess {
  /** Every stdout line so far. */
  readonly lines: string[];
  /** The first stdout line (past or future) matching `re`; rejects if the process exits first. */
  line(re: RegExp): Promise<string>;
  send(command: 'write' | 'stop'): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

/** Start replica.child.ts for `team`, sharing breakers on `channel`. */
export function startReplicaProcess(channel: string, team: string): ReplicaProcess {
  const proc = spawn(process.execPath, ['--conditions=rampart-source', '--import', loader, script, channel, team], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  let buffer = '';
  let stderr = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    const parts = (buffer + chunk.toString()).split('\n');
    buffer = parts.pop() ?? '';
    for (const l of parts) {
      lines.push(l);
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
    lines,
    exited,
    line: (re) => {
      const found = lines.find((l) => re.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ re, resolve });
        void exited.then(({ code, signal, stderr }) => reject(new Error(`replica exited (${code ?? signal}) before printing ${re}:\n${stderr}`)));
      });
    },
    send: (command) => {
      proc.stdin.write(`${command}\n`);
      if (command === 'stop') proc.stdin.end();
    },
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}
