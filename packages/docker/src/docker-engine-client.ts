import http from 'node:http';
import { DockerEngineError } from './docker-engine-error.js';
import type { ContainerInspect, ContainerSummary, EngineErrorBody } from './engine-types.js';

/** Answers larger than this are refused (a container list of a busy host is well under 1 MiB). */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

interface RawResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What `GET /_ping` tells about the daemon. */
export interface EnginePing {
  apiVersion: string | undefined;
  osType: string | undefined;
}

/**
 * A minimal Docker Engine API client over the daemon's unix socket (plain `node:http` with
 * `socketPath`; no dependency). Every call takes an AbortSignal; `close()` drops kept-alive
 * sockets.
 */
export class DockerEngineClient {
  readonly socketPath: string;
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  /** `GET /_ping`: resolves when the daemon answers `OK`. */
  async ping(signal?: AbortSignal): Promise<EnginePing> {
    const res = await this.#request('/_ping', signal);
    const header = (name: string) => {
      const v = res.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    return { apiVersion: header('api-version'), osType: header('ostype') };
  }

  /** `GET /containers/json?all=1`: every container, running or not. */
  async listContainers(signal?: AbortSignal): Promise<ContainerSummary[]> {
    const res = await this.#request('/containers/json?all=1', signal);
    return parseJson<ContainerSummary[]>('/containers/json', res.body);
  }

  /** `GET /containers/{ref}/json` (ref: id, id prefix or name); undefined when there is no such container. */
  async inspectContainer(ref: string, signal?: AbortSignal): Promise<ContainerInspect | undefined> {
    const path = `/containers/${encodeURIComponent(ref)}/json`;
    try {
      const res = await this.#request(path, signal);
      return parseJson<ContainerInspect>(path, res.body);
    } catch (error) {
      if (error instanceof DockerEngineError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Release kept-alive sockets. The client stays usable (new calls open new sockets). */
  close(): void {
    this.#agent.destroy();
  }

  #request(path: string, signal: AbortSignal | undefined): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      const req = http.request(
        {
          socketPath: this.socketPath,
          path,
          method: 'GET',
          headers: { host: 'docker', accept: 'application/json' },
          agent: this.#agent,
          ...(signal ? { signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              res.destroy(new DockerEngineError(path, res.statusCode, `Docker Engine answer to ${path} exceeds ${MAX_RESPONSE_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (error) => reject(wrapSocketError(path, error)));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const statusCode = res.statusCode ?? 0;
            if (statusCode >= 400) {
              reject(new DockerEngineError(path, statusCode, `Docker Engine answered ${statusCode} to ${path}: ${errorMessage(body)}`));
            } else {
              resolve({ statusCode, headers: res.headers, body });
            }
          });
        },
      );
      req.on('error', (error) => reject(wrapSocketError(path, error)));
      req.end();
    });
  }
}

function wrapSocketError(path: string, error: Error): Error {
  if (error instanceof DockerEngineError || error.name === 'AbortError') return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new DockerEngineError(path, undefined, `Docker Engine unreachable (${code ?? error.message})`, { cause: error });
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as Partial<EngineErrorBody>;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 200);
}

function parseJson<T>(path: string, body: string): T {
  try {
    return JSON.parse(body) as T;
  } catch (error) {
    throw new DockerEngineError(path, undefined, `Docker Engine sent invalid JSON for ${path}`, { cause: error });
  }
}
