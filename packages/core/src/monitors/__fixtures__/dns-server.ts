import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns';
import type { LookupFunction } from 'node:net';

/** A loopback DNS server (UDP, 127.0.0.1) that knows a few A records and answers NXDOMAIN to the rest. */
export interface LoopbackDns {
  port: number;
  /** A `lookup` for `net.connect`/`http.request` that asks this server (through a real c-ares resolver). */
  lookup: LookupFunction;
  close(): Promise<void>;
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (msg[i] !== 0) {
    const len = msg[i]!;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 1 };
}

function answer(query: Buffer, records: Readonly<Record<string, string>>): Buffer {
  const { name, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const address = records[name];
  const known = address !== undefined;
  const a = known && qtype === 1;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // response, RD, RA; rcode NOERROR or NXDOMAIN
  header.writeUInt16BE(1, 4); // one question
  header.writeUInt16BE(a ? 1 : 0, 6); // answers
  if (!a) return Buffer.concat([header, question]);
  const rr = Buffer.alloc(16);
  rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
  rr.writeUInt16BE(1, 2); // A
  rr.writeUInt16BE(1, 4); // IN
  rr.writeUInt32BE(60, 6); // TTL
  rr.writeUInt16BE(4, 10);
  address.split('.').forEach((octet, k) => rr.writeUInt8(Number(octet), 12 + k));
  return Buffer.concat([header, question, rr]);
}

export async function startLoopbackDns(records: Readonly<Record<string, string>>): Promise<LoopbackDns> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => socket.send(answer(msg, records), rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolver.resolve4(hostname, (err, addresses) => {
      if (err) callback(err);
      else if (options.all) callback(null, addresses.map((address) => ({ address, family: 4 })));
      else callback(null, addresses[0], 4);
    });
  }) as unknown as LookupFunction;
  return {
    port,
    lookup,
    close: () =>
      new Promise<void>((resolve) => {
        resolver.cancel();
        socket.close(() => resolve());
      }),
  };
}
