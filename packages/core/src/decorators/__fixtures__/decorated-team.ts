// Compiled by decorator-typing.test.ts with tsc twice: as TC39 standard decorators and with
// `experimentalDecorators`. It must type-check in both modes: decorated methods keep their types, and
// decorating a method that does not return a promise is an error.
import { bulkhead, circuitBreaker, ExponentialBackoff, hedging, retry, timeout, withFallback } from '@rampart/core';

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

// Every async decorator accepts only methods and functions that return a promise: the guarded call
// always returns one, and a decorator cannot change the method's type.
export class SyncMethods {
  // @ts-expect-error a synchronous method cannot be retried: its result would become a promise
  @retry({ maxAttempts: 2 })
  size(): number {
    return 1;
  }

  // @ts-expect-error nor guarded by a breaker
  @circuitBreaker('fixture_sync')
  count(): number {
    return 1;
  }

  // @ts-expect-error nor given a deadline
  @timeout({ timeoutMs: 10 })
  name(): string {
    return 'x';
  }

  // @ts-expect-error nor limited by a bulkhead
  @bulkhead({ maxConcurrent: 1 })
  flag(): boolean {
    return true;
  }

  // @ts-expect-error nor hedged
  @hedging({ delayMs: 10 })
  list(): string[] {
    return [];
  }

  // @ts-expect-error nor guarded by a fallback chain
  @withFallback('api_quota')
  total(): number {
    return 1;
  }

  @retry({ maxAttempts: 2 })
  @hedging({ delayMs: 10 })
  @withFallback('api_quota')
  async ok(): Promise<number> {
    return 1;
  }

  @retry({ maxAttempts: 2 })
  thenable(): PromiseLike<number> {
    return Promise.resolve(1);
  }
}

// @ts-expect-error the wrapper form rejects a synchronous function too
retry({ maxAttempts: 2 })((n: number) => n + 1);
// @ts-expect-error whichever decorator
timeout({ timeoutMs: 10 })(() => 'x');
