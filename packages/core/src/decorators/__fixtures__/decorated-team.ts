// Compiled by decorator-typing.test.ts with tsc twice: as TC39 standard decorators and with
// `experimentalDecorators`. It must type-check in both modes: decorated methods keep their types.
import { bulkhead, circuitBreaker, ExponentialBackoff, retry, timeout } from '@rampart/core';

export class ResearchTeam {
  private prefix = 'r:';

  @retry({ maxAttempts: 5, strategy: new ExponentialBackoff({ baseDelayMs: 2000 }) })
  @circuitBreaker('fixture_api', { failureThreshold: 5, recoveryTimeoutMs: 60_000 })
  @timeout({ timeoutMs: 1000 })
  @bulkhead({ maxConcurrent: 4 })
  async search(query: string, limit = 10): Promise<string[]> {
    return [this.prefix + query].slice(0, limit);
  }
}

const team = new ResearchTeam();
export const results: Promise<string[]> = team.search('llm', 3);
// @ts-expect-error the decorated method still rejects a wrong argument type
void team.search(42);
// @ts-expect-error and its result type is kept (not any)
export const wrong: Promise<number> = team.search('x');

export const wrapped = retry({ maxAttempts: 2 })(async (a: number, b: string) => `${b}${a}`);
export const out: Promise<string> = wrapped(1, 'x');
// @ts-expect-error the wrapper keeps the function's parameter types
void wrapped('1', 'x');
