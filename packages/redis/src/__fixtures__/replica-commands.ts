// Test support for the replica child processes: their stdin command loop and their clean stop.
import { createInterface } from 'node:readline';

/**
 * Read stdin lines `<command> [arg]` and run `commands[command](arg)`; `stop` closes the input, runs
 * `stop()` (dispose the sharing, stop the manager, ...) and prints `stopped`, after which the process
 * must exit by itself. Prints `ready` once listening.
 */
export function serveCommands(commands: Record<string, (arg: string) => void>, stop: () => Promise<unknown>): void {
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const [command, arg = ''] = line.split(' ') as [string, string?];
    if (command !== 'stop') return commands[command]?.(arg);
    input.close();
    void stop().then(() => console.log('stopped'));
  });
  console.log('ready');
}
