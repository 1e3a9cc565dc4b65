import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { HeldServer } from '@rampart/core/testing';
import { makePod, type FakePodSpec } from './fake-pod.js';
import { LabelSelectorError, parseLabelSelector } from './label-selector.js';

export interface FakeKubeApiServerOptions {
  /** The bearer token requests must carry. Default a random one (see {@link FakeKubeApiServer.token}). */
  token?: string;
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  tls?: { key: string; cert: string };
}

/** One request the server received (the token itself is never recorded). */
export interface RecordedKubeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorized: boolean;
}

/**
 * A loopback stand-in for the Kubernetes API server: answers `GET /api/v1/namespaces/{ns}/pods`
 * with real V1PodList JSON, honours `labelSelector` (400 for a malformed one, as the real server),
 * and answers 401 with a `Status` object unless the request carries `Authorization: Bearer <token>`.
 * Tests change pods, hold answers (timeouts), make it answer 500/503, or stop and restart it.
 */
export class FakeKubeApiServer {
  readonly token: string;
  readonly requests: RecordedKubeRequest[] = [];
  readonly #tls: FakeKubeApiServerOptions['tls'];
  readonly #pods = new Map<string, Map<string, Record<string, any>>>();
  readonly #ctl = new HeldServer();
  #server: http.Server | undefined;
  #port = 0;
  #failure: { code: number; message: string } | undefined;

  private constructor(options: FakeKubeApiServerOptions) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
    this.#tls = options.tls;
  }

  static async start(options: FakeKubeApiServerOptions = {}): Promise<FakeKubeApiServer> {
    const server = new FakeKubeApiServer(options);
    await server.listen();
    return server;
  }

  /** `http(s)://127.0.0.1:<port>`. */
  get url(): string {
    return `${this.#tls ? 'https' : 'http'}://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Replace the pods of a namespace. */
  setPods(namespace: string, pods: FakePodSpec[]): void {
    this.#pods.set(namespace, new Map(pods.map((p) => [p.name, makePod(namespace, p)])));
  }

  /** Add or replace one pod, keeping its uid when it exists (a restart is the same pod). */
  upsertPod(namespace: string, spec: FakePodSpec): void {
    const ns = this.#pods.get(namespace) ?? new Map<string, Record<string, any>>();
    const pod = makePod(namespace, spec);
    const old = ns.get(spec.name);
    if (old) pod.metadata.uid = old.metadata.uid;
    ns.set(spec.name, pod);
    this.#pods.set(namespace, ns);
  }

  deletePod(namespace: string, name: string): void {
    this.#pods.get(namespace)?.delete(name);
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

  /** Answer every request with this status code and message (undefined: answer normally). */
  failWith(failure: { code: number; message: string } | undefined): void {
    this.#failure = failure;
  }

  /** Listen on 127.0.0.1 (on the same port again after {@link stop}). */
  async listen(): Promise<void> {
    if (this.#server) return;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.#handle(req, res);
    const server = this.#tls ? https.createServer({ key: this.#tls.key, cert: this.#tls.cert }, handler) : http.createServer(handler);
    await this.#ctl.listen(server, this.#tls ? 'secureConnection' : 'connection', this.#port, '127.0.0.1');
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stop listening and drop open connections (the API server is "down"). */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await this.#ctl.stop(server);
  }

  close(): Promise<void> {
    return this.stop();
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorized = req.headers.authorization === `Bearer ${this.token}`;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), authorized });
    const answer = () => this.#answer(req, url, authorized, res);
    this.#ctl.answer(answer);
  }

  #answer(req: http.IncomingMessage, url: URL, authorized: boolean, res: http.ServerResponse): void {
    if (res.destroyed) return;
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json', 'audit-id': randomBytes(8).toString('hex') });
      res.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string) =>
      send(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
    if (!authorized) return status(401, 'Unauthorized', 'Unauthorized');
    if (this.#failure) return status(this.#failure.code, this.#failure.code >= 500 ? 'InternalError' : 'BadRequest', this.#failure.message);
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
    if (!m || req.method !== 'GET') return status(404, 'NotFound', 'the server could not find the requested resource');
    const namespace = decodeURIComponent(m[1]!);
    let matches;
    try {
      matches = parseLabelSelector(url.searchParams.get('labelSelector'));
    } catch (error) {
      if (error instanceof LabelSelectorError) return status(400, 'BadRequest', `unable to parse requirement: ${error.message}`);
      throw error;
    }
    const items = [...(this.#pods.get(namespace)?.values() ?? [])].filter((p) => matches(p.metadata.labels ?? {}));
    send(200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(5000 + this.requests.length) }, items });
  }
}
