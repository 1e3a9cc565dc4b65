import type { CallIdentity } from '../fallback/chain-types.js';
import type { ResourceType } from '../resource/resource-types.js';
import type { QueuedRequest } from './queued-request.js';

/** A queued request as the request queue holds it. */
export interface Entry {
  record: QueuedRequest;
  /** When it times out, in monotonic ms (`clock.now()`); `record.deadline` is the same instant in wall time. */
  readonly dueAt: number;
  /** Its position in the queue's deadline heap. */
  heapIndex: number;
  /** Canonical JSON of the arguments (what a replay after a restart is called with). */
  readonly argsJson: string | undefined;
  /** Replays the call in this process; undefined for a restored request until its method is attached. */
  replay: ((replay: number) => Promise<unknown>) | undefined;
  /** The caller's promise (absent for restored requests: their caller is gone). */
  readonly settle?: { resolve: (v: unknown) => void; reject: (e: unknown) => void };
  lastError?: unknown;
  detach?: () => void;
  /** Settles once its outcome is stored or kept for retry (persisted requests). */
  written?: Promise<void>;
  /**
   * Its first write was sent but failed (a timeout): the store may hold it anyway, e.g. a write the
   * Redis client sends once Redis is back. Its replays take the lease and its outcome is written as a
   * persisted request's are, so a late-landing record is never replayed again by another replica.
   */
  mayBeStored?: boolean;
}

/** The key of a replay target: `Class.method`. */
export function targetKey(id: CallIdentity): string {
  return `${id.className}.${id.method}`;
}

/** A stored, redacted summary of an error. */
export function errorInfo(err: unknown, redact: (s: string) => string): { name: string; message: string } {
  return { name: err instanceof Error ? err.name : 'Error', message: redact(err instanceof Error ? err.message : String(err)) };
}

/** A call to park. */
export interface EnqueueRequest {
  readonly resource: ResourceType;
  readonly priority: number;
  readonly identity?: CallIdentity | undefined;
  readonly argsJson?: string | undefined;
  readonly argsNotSerialisable?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * The caller's overall deadline, monotonic ms (`clock.now()`): the request times out then when
   * that comes before `maxWaitMs` (in the deadline heap, like any other: no signal listener needed).
   */
  readonly deadlineAt?: number | undefined;
  /** Replays the call in this process (`replay` counts from 1). */
  readonly replay: (replay: number) => Promise<unknown>;
}

/** Replays a persisted call through a decorated method found again after a restart. */
export type ReplayTarget = (args: unknown[], replay: number) => Promise<unknown>;

/** Something about the queue deserves a warning log line. */
export interface QueueWarning {
  readonly message: string;
  readonly requestId?: string | undefined;
  readonly error?: unknown;
}
