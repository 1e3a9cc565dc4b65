/** What a policy hands the function it runs. */
export interface PolicyContext {
  /**
   * Aborts when the caller's signal aborts or an enclosing policy (a timeout) gives up on the call.
   * Policies allocate an AbortController lazily: reading this is what may create one.
   */
  readonly signal: AbortSignal;
  /** 1 on the first attempt; retries increment it. */
  readonly attempt: number;
}

export interface ExecuteOptions {
  signal?: AbortSignal | undefined;
}

/** The one contract every policy implements; `wrap(a, b, c)` composes policies outermost first. */
export interface Policy {
  execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: ExecuteOptions): Promise<T>;
}

/** Disposable handle returned by every event subscription. */
export interface Disposable {
  dispose(): void;
}
