import { createServer, type IncomingHttpHeaders } from 'node:http';

/**
 * A provider that quotes the request's URL and every header back, in its error body and in a response
 * header, as some gateways and proxies do: whatever the client sent (API key, configured headers, a
 * key in the query) comes back.
 * OpenAI paths answer OpenAI-shaped errors, `/v1/messages` Anthropic-shaped ones.
 */
export interface EchoProvider {
  readonly url: string;
  /** The HTTP status of every answer (default 500). */
  status: number;
  close(): Promise<void>;
}

export async function startEchoProvider(): Promise<EchoProvider> {
  const echo = (url: string | undefined, headers: IncomingHttpHeaders) => `upstream rejected the request to ${url}; received headers ${JSON.stringify(headers)}`;
  const provider = {
    url: '',
    status: 500,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      const message = echo(req.url, req.headers);
      const type = provider.status === 401 ? 'authentication_error' : 'api_error';
      const body = req.url?.endsWith('/v1/messages') ? { type: 'error', error: { type, message } } : { error: { type, message, code: null } };
      res.writeHead(provider.status, { 'content-type': 'application/json', 'x-echo': JSON.stringify(req.headers) });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  server.closeAllConnections?.();
  return provider;
}
