import { RampartError } from '@rampart/core';
import type { Redactor } from '../endpoint/redact.js';
import { classifyMcpFailure, type McpErrorClassification } from './classify-mcp-failure.js';

/** Options of {@link McpServerError}. */
export interface McpServerErrorInit {
  /** Which server failed: a monitor name or a qualified provider (`supabase/primary`). */
  server: string;
  /** What was being done: `connect`, `ping`, `tools/list`, `tools/call echo`. */
  operation: string;
  /** Redacts the server's secrets from the cause's message. */
  redactor: Redactor;
  /** Extra facts appended to the message (redacted too), e.g. the server's last stderr line. */
  detail?: string;
}

function messageChain(error: unknown): string[] {
  const out: string[] = [];
  for (let e = error, depth = 0; e !== undefined && depth < 4; depth++) {
    out.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return out;
}

/**
 * A failed request to (or connection to) an MCP server. Carries `rampartClassification`, which
 * Rampart's `classifyError` reads to drive the MCP_SERVER fallback chain, and a message from which
 * the server's secrets (tokens, env values, URL credentials) are removed. The SDK's error is kept as
 * `cause` only when none of its messages contains a secret.
 */
export class McpServerError extends RampartError {
  readonly server: string;
  readonly operation: string;
  readonly rampartClassification: McpErrorClassification;
  /** The connection was dropped because of this failure; the next call reconnects. */
  readonly connectionBroken: boolean;
  readonly mcpCode: number | undefined;
  readonly httpStatus: number | undefined;

  constructor(error: unknown, init: McpServerErrorInit) {
    const failure = classifyMcpFailure(error);
    const messages = messageChain(error);
    const clean = messages.every((m) => init.redactor.isClean(m));
    const detail = messages
      .map((m) => init.redactor.redact(m))
      .filter((m, i, all) => m !== '' && all.indexOf(m) === i)
      .join(': ');
    const extra = init.detail ? ` (${init.redactor.redact(init.detail)})` : '';
    super(`MCP server ${init.server}: ${init.operation} failed: ${detail || 'unknown error'}${extra}`, clean ? { cause: error } : undefined);
    this.server = init.server;
    this.operation = init.operation;
    this.rampartClassification = Object.freeze({ ...failure.classification });
    this.connectionBroken = failure.connectionBroken;
    this.mcpCode = failure.mcpCode;
    this.httpStatus = failure.httpStatus;
  }
}
