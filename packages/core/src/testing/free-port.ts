import { createServer } from 'node:net';

/** Below Linux's default ephemeral range (32768–60999) and macOS's (49152–65535). */
const LOW = 10_000;
const HIGH = 32_767;

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(undefined) : reject(err)));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A loopback TCP port nothing listens on right now, for a test server of its own (a `redis-server`,
 * a `postgres`, an HTTP peer). It is taken from below the kernel's ephemeral range, so the local
 * port of an outgoing connection never lands on it between this check and the server's bind, nor
 * while a fault test has killed that server and is about to start it again on the same port (a
 * port the OS picks with `listen(0)` is an ephemeral one, and can be). Another test picking the
 * same random port in that instant is the only race left.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = await tryListen(LOW + Math.floor(Math.random() * (HIGH - LOW + 1)));
    if (port !== undefined) return port;
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('freePort: no loopback port is free');
  return port;
}
