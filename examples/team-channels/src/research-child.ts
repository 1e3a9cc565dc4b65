import { fork, type ChildProcess } from 'node:child_process';
import type { ChildEnvelope, ResearchAnswers, ResearchCommand } from './ipc-messages.js';

/** Where the research process's code is, and the node flags to run it with. */
export interface ResearchEntry {
  /** The script: `dist/research-process.js` when built, or the `.ts` source with a loader in `execArgv`. */
  script: string;
  execArgv?: readonly string[];
}

/**
 * The marketing side's handle on the research process: forks it with an IPC channel, sends it
 * commands and awaits their answers, and forwards its log lines.
 */
export class ResearchChild {
  readonly #process: ChildProcess;
  readonly #waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #nextId = 0;
  #stderr = '';

  constructor(entry: ResearchEntry, log: (line: string) => void) {
    this.#process = fork(entry.script, [], {
      execArgv: [...(entry.execArgv ?? [])],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.#process.stderr?.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    this.#process.on('message', (raw) => {
      const message = raw as ChildEnvelope;
      if ('log' in message) return log(message.log);
      const waiter = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (message.ok) waiter?.resolve(message.value);
      else waiter?.reject(new Error(message.error));
    });
    this.exited = new Promise((resolve) =>
      this.#process.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
        for (const waiter of this.#waiting.values()) waiter.reject(new Error(`the research process exited (${code ?? signal}): ${this.#stderr.trim()}`));
        this.#waiting.clear();
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** What the process wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** Send a command; resolves with its answer, rejects with the child's error or when it exits first. */
  call<C extends ResearchCommand>(command: C): Promise<ResearchAnswers[C['op']]> {
    if (this.#process.exitCode !== null || this.#process.signalCode !== null || !this.#process.connected) {
      return Promise.reject(new Error('the research process is not running'));
    }
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#process.send({ id, ...command });
    });
  }

  /** SIGKILL it if it is still running (cleanup after a failure). */
  kill(): void {
    if (this.#process.exitCode === null && this.#process.signalCode === null) this.#process.kill('SIGKILL');
  }
}
