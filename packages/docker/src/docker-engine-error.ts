import { RampartError } from '@rampart/core';

/**
 * The Docker Engine answered with an error status (`statusCode` ≥ 400) or could not be reached
 * (`statusCode` undefined, `cause` the socket error). Carries `rampartClassification`:
 * unreachable and 5xx are transient, 4xx permanent.
 */
export class DockerEngineError extends RampartError {
  readonly statusCode: number | undefined;
  readonly path: string;
  readonly rampartClassification: { kind: 'transient' | 'permanent' };

  constructor(path: string, statusCode: number | undefined, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
    this.statusCode = statusCode;
    this.rampartClassification = {
      kind: statusCode !== undefined && statusCode >= 400 && statusCode < 500 ? 'permanent' : 'transient',
    };
  }
}
