// Compiled by decorator-typing.test.ts with tsc twice: as TC39 standard decorators and with
// `experimentalDecorators`. It type-checks only if `fallback` keeps the decorated method's type,
// accepts fallback values that fit the result, and rejects those that do not.
import {
  createCircuitBreaker,
  createFallback,
  createRetry,
  fallback,
  retry,
  wrap,
  type Policy,
  type WrappedPolicy,
} from '@rampart/core';

export class SearchTeam {
  private prefix = 'r:';

  @fallback({ fallback: [] })
  @retry({ maxAttempts: 2 })
  async search(query: string): Promise<string[]> {
    return [this.prefix + query];
  }

  @fallback({ fallback: async () => 0 })
  async count(): Promise<number> {
    return 1;
  }

  @fallback({ fallback: 'n/a' as const })
  async label(): Promise<string | undefined> {
    return undefined;
  }

  // @ts-expect-error a string cannot stand in for a number result
  @fallback({ fallback: 'n/a' })
  async total(): Promise<number> {
    return 1;
  }

  // @ts-expect-error a synchronous method cannot be decorated: its result would become a promise
  @fallback({ fallback: 0 })
  size(): number {
    return 1;
  }
}

const team = new SearchTeam();
export const results: Promise<string[]> = team.search('llm');
// @ts-expect-error the decorated method still rejects a wrong argument type
void team.search(42);
// @ts-expect-error and its result type is kept (not any)
export const wrong: Promise<number> = team.search('x');

export const rows = fallback({ fallback: [] as number[] })(async (n: number) => [n]);
export const out: Promise<number[]> = rows(1);
// @ts-expect-error the wrapper keeps the function's parameter types
void rows('1');
// @ts-expect-error the wrapper rejects a function whose result cannot hold the value
fallback({ fallback: 'none' })(async () => 1);

// wrap: the fallback's value type joins the function's
const composed = wrap(
  createFallback({ fallback: 'cached' as const }),
  createRetry({ maxAttempts: 2 }),
  createCircuitBreaker('fixture_fallback_typing'),
);
export const either: Promise<number | 'cached'> = composed.execute(() => 1);
// @ts-expect-error the fallback's value is part of the result
export const onlyNumber: Promise<number> = composed.execute(() => 1);
// a wrap without a fallback is still a plain Policy
export const plain: Policy = wrap(createRetry({ maxAttempts: 2 }));
export const plainWrapped: WrappedPolicy = wrap(createRetry({ maxAttempts: 2 }));
// @ts-expect-error a wrap holding a fallback is not a Policy (its result may be the fallback value)
export const notPlain: Policy = composed;
