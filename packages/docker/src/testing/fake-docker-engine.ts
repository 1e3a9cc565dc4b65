import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { HeldServer } from '@rampart/core/testing';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeContainer, type FakeContainerSpec, type FakeContainerState } from './fake-container.js';

export interface FakeDockerEngineOptions {
  /** Containers present from the start. */
  containers?: FakeContainerSpec[];
  /** Sent in the `Api-Version` header. Default `1.47`. */
  apiVersion?: string;
}

/**
 * A local Docker daemon stand-in for tests: an HTTP server on a unix socket in a temporary
 * directory answering the Engine API's real paths and JSON shapes (`/_ping`,
 * `/containers/json`, `/containers/{id}/json`, with or without a `/v1.xx` prefix). Tests change
 * container states, hold answers (for timeouts), make the daemon fail with 500, or stop it to
 * make it unreachable and start it again on the same socket.
 */
export class FakeDockerEngine {
  readonly socketPath: string;
  /** Paths of every request received, in order (without the version prefix). */
  readonly requests: string[] = [];
  readonly #dir: string;
  readonly #apiVersion: string;
  readonly #containers: FakeContainer[] = [];
  readonly #ctl = new HeldServer();
  #server: http.Server | undefined;
  #seq = 0;
  #serverError: string | undefined;

  private constructor(dir: string, options: FakeDockerEngineOptions) {
    this.#dir = dir;
    this.socketPath = join(dir, 'docker.sock');
    this.#apiVersion = options.apiVersion ?? '1.47';
    for (const spec of options.containers ?? []) this.addContainer(spec);
  }

  /** Create the temporary directory and start listening. */
  static async start(options: FakeDockerEngineOptions = {}): Promise<FakeDockerEngine> {
    const engine = new FakeDockerEngine(await mkdtemp(join(tmpdir(), 'rampart-docker-')), options);
    await engine.listen();
    return engine;
  }

  get listening(): boolean {
    return this.#server !== undefined;
  }

  /** Add a container; returns its 64-hex id. */
  addContainer(spec: FakeContainerSpec): string {
    const c = new FakeContainer(spec, ++this.#seq);
    this.#containers.push(c);
    return c.id;
  }

  /** Change a container's state (by name, id or id prefix). */
  updateContainer(ref: string, patch: Partial<FakeContainerState>): void {
    const c = this.#find(ref);
    if (!c) throw new Error(`FakeDockerEngine: no container ${ref}`);
    c.state = { ...c.state, ...patch };
  }

  removeContainer(ref: string): void {
    const c = this.#find(ref);
    if (c) this.#containers.splice(this.#containers.indexOf(c), 1);
  }

  /** From now on, requests get no answer until {@link release} (or until the client gives up). */
  hold(): void {
    this.#ctl.hold();
  }

  /** Answer held requests and stop holding. */
  release(): void {
    this.#ctl.release();
  }

  /** Number of requests currently held. */
  get heldCount(): number {
    return this.#ctl.heldCount;
  }

  /** Client connections currently open (kept-alive sockets included). */
  get connectionCount(): number {
    return this.#ctl.connectionCount;
  }

  /** Answer every request with 500 and this message (undefined: answer normally again). */
  failWith(message: string | undefined): void {
    this.#serverError = message;
  }

  /** Listen on the socket (again, after {@link stop}). */
  async listen(): Promise<void> {
    if (this.#server) return;
    const server = http.createServer((req, res) => this.#handle(req, res));
    await this.#ctl.listen(server, 'connection', this.socketPath);
    this.#server = server;
  }

  /** Stop answering: close the socket and drop open connections (the daemon is "down"). */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await this.#ctl.stop(server);
  }

  /** Stop and remove the temporary directory. */
  async close(): Promise<void> {
    await this.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }

  #find(ref: string): FakeContainer | undefined {
    const name = ref.replace(/^\//, '');
    const exact = this.#containers.find((c) => c.id === ref || c.name === name);
    if (exact) return exact;
    const byPrefix = this.#containers.filter((c) => c.id.startsWith(ref));
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
    this.requests.push(`${path}${url.search}`);
    const answer = () => this.#answer(req.method ?? 'GET', path, url.searchParams, res);
    this.#ctl.answer(answer);
  }

  #answer(method: string, path: string, query: URLSearchParams, res: http.ServerResponse): void {
    if (res.destroyed) return;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'api-version': this.#apiVersion, ostype: 'linux', 'docker-experimental': 'false' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (this.#serverError !== undefined) return json(500, { message: this.#serverError });
    if (method !== 'GET' && method !== 'HEAD') return json(405, { message: `method ${method} not supported by the fake engine` });
    if (path === '/_ping') {
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'api-version': this.#apiVersion,
        ostype: 'linux',
        'docker-experimental': 'false',
        'builder-version': '2',
        'cache-control': 'no-cache, no-store, must-revalidate',
        pragma: 'no-cache',
      });
      res.end('OK');
      return;
    }
    if (path === '/containers/json') {
      const all = query.get('all') === '1' || query.get('all') === 'true';
      const list = this.#containers.filter((c) => all || c.state.status === 'running' || c.state.status === 'restarting');
      return json(200, list.map((c) => c.summary()));
    }
    const inspect = /^\/containers\/([^/]+)\/json$/.exec(path);
    if (inspect) {
      const ref = decodeURIComponent(inspect[1]!);
      const c = this.#find(ref);
      return c ? json(200, c.inspect()) : json(404, { message: `No such container: ${ref}` });
    }
    json(404, { message: 'page not found' });
  }
}
