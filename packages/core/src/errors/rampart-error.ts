import type { ErrorClassification } from '../classify/error-classification.js';

const MARKER = Symbol.for('rampart.error');

/** Options of {@link RampartError}. */
export interface RampartErrorOptions {
  cause?: unknown;
  /**
   * A stable, machine-readable name of the error kind (`code` and `name`). Give one: the default,
   * the class's own name, does not survive a minifier.
   */
  code?: string | undefined;
  /**
   * What this failure means (see `FailureMeaning`): set once, here, as the error's own frozen,
   * read-only `rampartClassification`, which `classifyError` (and so every policy and fallback
   * chain) decides by. Never change it afterwards.
   */
  classification?: ErrorClassification | undefined;
}

/**
 * Base of every error Rampart throws, and of errors integrations (and users) create to say what a
 * failure means (`classification`). `isInstance` works across two copies of the package
 * (a stable marker, not `instanceof`), as vercel/ai's AISDKError does.
 */
export class RampartError extends Error {
  readonly [MARKER] = true;
  /** A stable, machine-readable name of the error kind (equal to `name`); the `code` option, else the class name. */
  readonly code: string;

  constructor(message: string, options?: RampartErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = options?.code ?? new.target.name;
    this.name = this.code;
    if (options?.classification !== undefined) {
      Object.defineProperty(this, 'rampartClassification', { value: frozenClassification(options.classification), enumerable: true, writable: false, configurable: false });
    }
  }

  static isInstance(value: unknown): value is RampartError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

function frozenClassification(c: ErrorClassification): ErrorClassification {
  return Object.isFrozen(c) ? c : Object.freeze({ ...c });
}

/**
 * Build an error without capturing a stack trace (≈2 µs saved). For fast-fail errors on hot paths
 * (open circuit, full bulkhead), where the stack would only point into Rampart.
 */
export function withoutStack<T extends Error>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
