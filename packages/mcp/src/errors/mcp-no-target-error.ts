import { RampartError } from '@rampart/core';
import type { McpErrorClassification } from './classify-mcp-failure.js';

/**
 * The fallback chain asked for a target the logical server does not have (the offline responder
 * when none is declared, or a provider name that is no endpoint rank). Permanent for that provider
 * only, with a zero retry-after so that the chain moves on without putting the provider into
 * cooldown for other servers.
 */
export class McpNoTargetError extends RampartError {
  readonly server: string;
  readonly provider: string;
  readonly rampartClassification: McpErrorClassification = Object.freeze({ kind: 'permanent', scope: 'provider', retryAfterMs: 0 });

  constructor(server: string, provider: string, reason: string) {
    super(`MCP server ${server} has no target for provider "${provider}": ${reason}`);
    this.server = server;
    this.provider = provider;
  }
}
