// Side by side: createResilientModel (@rampart/ai-sdk), ResilientLLM (@rampart/llm), ai-fallback,
// LangChain.js withFallbacks and Portkey's gateway (when PORTKEY_GATEWAY_START is set), each with its
// defaults (Rampart's opt-in hedging and stream continuation as rows of their own), through the same
// seeded fault schedule against one loopback MockProviderServer. The primary sits behind an HTTP proxy
// of ours that can refuse connections (its port closed), hold 10% of requests for 5 s (brownout) and
// time-stamp every request it forwards.
// Run: npm run build -w @rampart/bench && npm run bench:llm-peers -w @rampart/bench [-- <scenario name part>]
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { createResilientModel } from '@rampart/ai-sdk';
import { seededRandom } from '@rampart/core';
import { ResilientLLM, type HedgingOptions } from '@rampart/llm';
import { startMockProviderServer, type MockFault, type MockProviderServer } from '@rampart/llm/testing';
import { generateText, streamText, type LanguageModel } from 'ai';
import { createFallback } from 'ai-fallback';
import OpenAI from 'openai';
import { formatTable } from './harness.js';

/** What one contender exposes: a call, a stream (text pieces), and its teardown. */
interface Contender {
  name: string;
  generate(prompt: string): Promise<string>;
  stream(prompt: string): AsyncIterable<string>;
  close(): Promise<void>;
}

/** A request the primary's proxy forwarded: when it arrived, when and what the mock answered. */
interface ProxiedRequest {
  at: number;
  answeredAt: number;
  status: number;
  retryAfterMs: number | undefined;
}

/** The primary's front door: an HTTP proxy to the mock that can refuse, delay and time-stamp. */
class PrimaryProxy {
  readonly requests: ProxiedRequest[] = [];
  brownout: { rate: number; delayMs: number; random: () => number } | undefined;
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  #timers = new Set<NodeJS.Timeout>();
  port = 0;

  constructor(readonly target: string) {}

  async open(): Promise<void> {
    const server = createServer((req, res) => this.#forward(req, res));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** Close the port: connections are refused until {@link open}. */
  async refuse(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    await this.refuse();
  }

  #forward(req: IncomingMessage, res: ServerResponse): void {
    const record: ProxiedRequest = { at: performance.now(), answeredAt: Number.NaN, status: 0, retryAfterMs: undefined };
    this.requests.push(record);
    const go = () => {
      const upstream = httpRequest(`${this.target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
        const ra = up.headers['retry-after'];
        Object.assign(record, { answeredAt: performance.now(), status: up.statusCode ?? 0, retryAfterMs: typeof ra === 'string' ? Number(ra) * 1000 : undefined });
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('error', () => res.destroy());
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    const b = this.brownout;
    if (b !== undefined && b.random() < b.rate) {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        go();
      }, b.delayMs);
      this.#timers.add(t);
    } else go();
  }
}

/** Requests arriving this soon after a 429 was answered may have been in flight already: not counted as sent into its window. */
const GRACE_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!; // nearest rank
};

const aiModel = (url: string, id: string) => createOpenAI({ baseURL: url, apiKey: 'sk-bench' }).chat(id);

function aiSdkContender(name: string, model: LanguageModel, close: () => Promise<void> = async () => undefined): Contender {
  return {
    name,
    generate: async (prompt) => (await generateText({ model, prompt })).text,
    stream: (prompt) => streamText({ model, prompt, onError: () => undefined }).textStream,
    close,
  };
}

/** Portkey's open-source gateway (`@portkey-ai/gateway`), when PORTKEY_GATEWAY_START names its build/start-server.js. */
const PORTKEY_PORT = 18787;

async function startPortkey(): Promise<ChildProcess | undefined> {
  const script = process.env.PORTKEY_GATEWAY_START;
  if (script === undefined) return undefined;
  const child = spawn(process.execPath, [script, `--port=${PORTKEY_PORT}`, '--headless'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    if (await fetch(`http://127.0.0.1:${PORTKEY_PORT}/`).then(() => true, () => false)) return child;
  }
  child.kill();
  throw new Error(`Portkey's gateway did not start from ${script}`);
}

/** Plain HTTP to Portkey's gateway (no client retries), its fallback config naming the two targets. */
function portkeyContender(p: string, s: string): Contender {
  const config = JSON.stringify({
    strategy: { mode: 'fallback' },
    targets: [
      { provider: 'openai', api_key: 'sk-bench', custom_host: p, override_params: { model: 'gpt-p' } },
      { provider: 'openai', api_key: 'sk-bench', custom_host: s, override_params: { model: 'gpt-s' } },
    ],
  });
  const post = (prompt: string, stream: boolean) =>
    fetch(`http://127.0.0.1:${PORTKEY_PORT}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-portkey-config': config },
      body: JSON.stringify({ model: 'gpt-p', stream, messages: [{ role: 'user', content: prompt }] }),
    });
  return {
    name: 'Portkey gateway 1.15.2',
    generate: async (prompt) => {
      const r = await post(prompt, false);
      if (!r.ok) throw new Error(`portkey ${r.status}`);
      return ((await r.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
    },
    stream: async function* (prompt) {
      const r = await post(prompt, true);
      if (!r.ok || r.body === null) throw new Error(`portkey ${r.status}`);
      let buffer = '';
      for await (const bytes of r.body.pipeThrough(new TextDecoderStream())) {
        buffer += bytes;
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
          const piece = (JSON.parse(line.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content;
          if (piece) yield piece;
        }
      }
    },
    close: async () => undefined,
  };
}

/** ResilientLLM over the primary and the secondary (OpenAI wire), no cache, silent; perhaps hedging or stream continuation. */
function benchLlm(p: string, s: string, hedging?: HedgingOptions, streamResume?: 'continue'): ResilientLLM {
  return new ResilientLLM({
    providers: [
      { name: 'primary', kind: 'openai', model: 'gpt-p', apiKey: 'sk-bench', baseURL: p },
      { name: 'secondary', kind: 'openai', model: 'gpt-s', apiKey: 'sk-bench', baseURL: s },
    ],
    cache: false,
    hedging,
    streamResume,
    resilience: { env: { RAMPART_LOG_LEVEL: 'silent' } },
  });
}

/** ResilientLLM over the primary (the proxy) and the secondary, its defaults, perhaps with hedging or stream continuation. */
function resilientLlmContender(name: string, p: string, s: string, hedging: HedgingOptions | undefined, streamResume?: 'continue'): Contender {
  const llm = benchLlm(p, s, hedging, streamResume);
  return {
    name,
    generate: async (prompt) => (await llm.invoke(prompt)).text,
    stream: async function* (prompt) {
      for await (const c of llm.stream(prompt)) yield c.text;
    },
    close: () => llm.close(),
  };
}

/** createResilientModel with the opt-in continuation of a cut text stream on the next model (run in the streams scenario only). */
function streamResumeContinue(p: string, s: string): Contender {
  const model = createResilientModel({
    models: [{ name: 'primary', model: aiModel(p, 'gpt-p') }, { name: 'secondary', model: aiModel(s, 'gpt-s') }],
    streamResume: 'continue',
    resilience: { env: { RAMPART_LOG_LEVEL: 'silent' } },
  });
  return aiSdkContender("createResilientModel, streamResume: 'continue'", model as unknown as LanguageModel, () => model.close());
}

/** ResilientLLM with the opt-in continuation of a cut stream on the next provider (run in the streams scenario only). */
function llmStreamResumeContinue(p: string, s: string): Contender {
  return resilientLlmContender("ResilientLLM, streamResume: 'continue'", p, s, undefined, 'continue');
}

/** Contenders that differ from another only in streams, so run in the streams scenario only. */
const STREAMS_ONLY = new Set<(primaryURL: string, secondaryURL: string) => Contender>([streamResumeContinue, llmStreamResumeContinue]);

/** The contenders, each with its defaults, built against the primary's URL (the proxy) and the mock's secondary. */
const CONTENDERS: Array<(primaryURL: string, secondaryURL: string) => Contender> = [
  (p) => aiSdkContender('AI SDK alone (no fallback)', aiModel(p, 'gpt-p')),
  (p, s) => {
    const model = createResilientModel({
      models: [{ name: 'primary', model: aiModel(p, 'gpt-p') }, { name: 'secondary', model: aiModel(s, 'gpt-s') }],
      resilience: { env: { RAMPART_LOG_LEVEL: 'silent' } },
    });
    return aiSdkContender('createResilientModel', model as unknown as LanguageModel, () => model.close());
  },
  streamResumeContinue,
  (p, s) => {
    const model = createResilientModel({
      models: [{ name: 'primary', model: aiModel(p, 'gpt-p') }, { name: 'secondary', model: aiModel(s, 'gpt-s') }],
      hedging: {},
      resilience: { env: { RAMPART_LOG_LEVEL: 'silent' } },
    });
    return aiSdkContender('createResilientModel + hedging', model as unknown as LanguageModel, () => model.close());
  },
  (p, s) => resilientLlmContender('ResilientLLM', p, s, undefined),
  llmStreamResumeContinue,
  (p, s) => resilientLlmContender('ResilientLLM + hedging', p, s, {}),
  (p, s) => aiSdkContender('ai-fallback 2.0.1', createFallback({ models: [aiModel(p, 'gpt-p') as never, aiModel(s, 'gpt-s') as never] }) as unknown as LanguageModel),
  (p, s) => {
    const chat = (url: string, model: string) => new ChatOpenAI({ model, apiKey: 'sk-bench', configuration: { baseURL: url } });
    const runnable = chat(p, 'gpt-p').withFallbacks([chat(s, 'gpt-s')]);
    return {
      name: 'LangChain withFallbacks',
      generate: async (prompt) => String((await runnable.invoke(prompt)).content),
      stream: async function* (prompt) {
        for await (const c of await runnable.stream(prompt)) yield String(c.content);
      },
      close: async () => undefined,
    };
  },
];

/** One call's record. */
interface Call {
  start: number;
  end: number;
  ok: boolean;
  by: 'primary' | 'secondary' | undefined;
}

async function timed(fn: () => Promise<string>): Promise<Call> {
  const start = performance.now();
  try {
    const text = await fn();
    return { start, end: performance.now(), ok: true, by: text.startsWith('primary/') ? 'primary' : text.startsWith('secondary/') ? 'secondary' : undefined };
  } catch {
    return { start, end: performance.now(), ok: false, by: undefined };
  }
}

/** Run `total` calls, `concurrency` at a time, `gapMs` apart per lane. */
async function drive(total: number, concurrency: number, gapMs: number, call: (i: number) => Promise<Call>): Promise<Call[]> {
  const out: Call[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        out.push(await call(next++));
        if (gapMs > 0) await sleep(gapMs);
      }
    }),
  );
  return out;
}

type Row = Record<string, string>;

function summary(calls: Call[], upstream: number): Row {
  const lat = calls.map((c) => c.end - c.start);
  return {
    success: `${((100 * calls.filter((c) => c.ok).length) / calls.length).toFixed(1)}%`,
    p50: pct(lat, 50).toFixed(1),
    p99: pct(lat, 99).toFixed(1),
    'req/call': (upstream / calls.length).toFixed(2),
  };
}

interface Scenario {
  name: string;
  /** The streams scenario: also runs the {@link STREAMS_ONLY} contenders. */
  streams?: boolean;
  run(c: Contender, mock: MockProviderServer, proxy: PrimaryProxy, seed: number): Promise<Row>;
}

/** Upstream requests: those that reached the secondary, and every one that reached the primary's proxy (also those it held and the client then aborted). */
const upstreamCount = (mock: MockProviderServer, proxy: PrimaryProxy) => proxy.requests.length + mock.count({ provider: 'secondary' });

const SCENARIOS: Scenario[] = [
  {
    name: 'healthy (200 calls, 1 in flight)',
    async run(c, mock, proxy) {
      const calls = await drive(200, 1, 0, (i) => timed(() => c.generate(`healthy ${i}`)));
      return summary(calls, upstreamCount(mock, proxy));
    },
  },
  {
    name: 'primary refuses connections from 1 s to 3 s (calls 10 ms apart for 5 s)',
    async run(c, mock, proxy) {
      const t0 = performance.now();
      const schedule = (async () => {
        await sleep(1000);
        await proxy.refuse();
        const down = performance.now();
        await sleep(2000);
        await proxy.open();
        return { down, up: performance.now() };
      })();
      const calls: Call[] = [];
      while (performance.now() - t0 < 5000) {
        calls.push(await timed(() => c.generate(`outage ${calls.length}`)));
        await sleep(10);
      }
      const { down, up } = await schedule;
      const firstFast = calls.find((x) => x.start >= down && x.ok && x.end - x.start < 100);
      const back = calls.find((x) => x.start >= up && x.by === 'primary');
      // calls that were running at some moment of the outage
      const inOutage = calls.filter((x) => x.end >= down && x.start < up).map((x) => x.end - x.start);
      return {
        ...summary(calls, upstreamCount(mock, proxy)),
        'max in outage': inOutage.length === 0 ? '-' : Math.max(...inOutage).toFixed(1),
        'switch ms': firstFast ? (firstFast.end - down).toFixed(0) : 'never',
        'return ms': back ? (back.end - up).toFixed(0) : `never (> ${(calls.at(-1)!.end - up).toFixed(0)})`,
      };
    },
  },
  {
    name: '429 with retry-after 1 s on 30% of primary requests (100 calls, 10 in flight)',
    async run(c, mock, proxy, seed) {
      mock.provider('primary').setFaultRate(0.3, [{ type: 'rate_limit', retryAfterSeconds: 1 }], seed);
      const calls = await drive(100, 10, 0, (i) => timed(() => c.generate(`storm ${i}`)));
      // a request that arrived 100 ms or more after a 429 was answered (not one already in flight then:
      // on this loaded 2-core machine a request in flight took up to ~100 ms to arrive)
      // and before that 429's retry-after elapsed
      const windows = proxy.requests.filter((r) => r.status === 429).map((r) => [r.answeredAt + GRACE_MS, r.answeredAt + (r.retryAfterMs ?? 0)] as const);
      const inside = proxy.requests.filter((r) => windows.some(([from, to]) => r.at > from && r.at < to)).length;
      return { ...summary(calls, upstreamCount(mock, proxy)), 'req in retry-after (≥ 100 ms after the 429)': `${inside} of ${proxy.requests.length}` };
    },
  },
  {
    name: 'brownout: 10% of primary requests held 5 s (100 calls, 10 in flight)',
    async run(c, mock, proxy, seed) {
      proxy.brownout = { rate: 0.1, delayMs: 5000, random: seededRandom(seed) };
      const calls = await drive(100, 10, 0, (i) => timed(() => c.generate(`brownout ${i}`)));
      proxy.brownout = undefined;
      return { ...summary(calls, upstreamCount(mock, proxy)), '> 1 s': String(calls.filter((x) => x.end - x.start > 1000).length) };
    },
  },
  {
    name: 'streams: 20% of primary streams cut before the first chunk, 10% after 2 chunks (100 streams)',
    streams: true,
    async run(c, mock, proxy, seed) {
      const before: MockFault = { type: 'stream_disconnect', afterChunks: 0 };
      const after: MockFault = { type: 'stream_disconnect', afterChunks: 2 };
      mock.provider('primary').setFaultRate(0.3, [before, before, after], seed);
      let complete = 0;
      let errorBefore = 0;
      let errorAfter = 0;
      let duplicated = 0;
      const calls = await drive(100, 1, 0, (i) =>
        timed(async () => {
          const prompt = `stream number ${i} with several words`;
          let text = '';
          let failure: unknown;
          try {
            for await (const piece of c.stream(prompt)) text += piece;
          } catch (err) {
            failure = err;
          }
          // The received text against the exact answers the mock gives (`<provider>/<model>: <prompt>`):
          // complete is one of them exactly; a clean cut is a start of one; anything else holds repeated
          // or mixed text (a second head, or a continuation that repeats or drops words).
          const answers = [`primary/gpt-p: ${prompt}`, `secondary/gpt-s: ${prompt}`];
          if (failure === undefined && answers.includes(text)) {
            complete++;
            return text;
          } else if (text === '') errorBefore++;
          else if (answers.some((a) => a.startsWith(text))) errorAfter++;
          else duplicated++;
          throw failure ?? new Error('incomplete stream');
        }),
      );
      // success = streams that ended complete; errors split by whether the caller had seen output
      return { ...summary(calls, upstreamCount(mock, proxy)), 'complete / error before output / error after output / duplicated or mixed': `${complete}/${errorBefore}/${errorAfter}/${duplicated}` };
    },
  },
];

/** Medians of `plain`, `resilient` and of their differences, the two interleaved (50 warm-up rounds not counted). */
async function interleaved(iterations: number, plain: (i: number) => Promise<unknown>, resilient: (i: number) => Promise<unknown>): Promise<[number, number, number]> {
  const a: number[] = [];
  const b: number[] = [];
  const diff: number[] = [];
  for (let i = 0; i < iterations + 50; i++) {
    const t0 = performance.now();
    await plain(i);
    const t1 = performance.now();
    await resilient(i);
    const t2 = performance.now();
    if (i >= 50) {
      a.push(t1 - t0);
      b.push(t2 - t1);
      diff.push(t2 - t1 - (t1 - t0));
    }
  }
  return [pct(a, 50), pct(b, 50), pct(diff, 50)];
}

/**
 * What Rampart adds to a healthy call, against the same mock (no proxy), median of the differences of
 * interleaved calls: `generateText` on the plain model and on createResilientModel over it; the
 * `openai` client ResilientLLM uses (maxRetries 0) called directly and ResilientLLM.invoke over it.
 */
export async function healthyOverhead(iterations = 400): Promise<string> {
  const mock = await startMockProviderServer();
  const silent = { env: { RAMPART_LOG_LEVEL: 'silent' } };
  const plain = aiModel(mock.openaiBaseURL('primary'), 'gpt-p');
  const resilient = createResilientModel({
    models: [{ name: 'primary', model: aiModel(mock.openaiBaseURL('primary'), 'gpt-p') }, { name: 'secondary', model: aiModel(mock.openaiBaseURL('secondary'), 'gpt-s') }],
    resilience: silent,
  });
  const client = new OpenAI({ baseURL: mock.openaiBaseURL('primary'), apiKey: 'sk-bench', maxRetries: 0 });
  const llm = benchLlm(mock.openaiBaseURL('primary'), mock.openaiBaseURL('secondary'));
  try {
    const model = await interleaved(
      iterations,
      (i) => generateText({ model: plain, prompt: `plain ${i}` }),
      (i) => generateText({ model: resilient as unknown as LanguageModel, prompt: `resilient ${i}` }),
    );
    const chat = await interleaved(
      iterations,
      (i) => client.chat.completions.create({ model: 'gpt-p', messages: [{ role: 'user', content: `plain ${i}` }] }),
      (i) => llm.invoke(`resilient ${i}`),
    );
    return formatTable([
      ['healthy call, interleaved (' + iterations + ')', 'p50 ms'],
      ['generateText, plain model', model[0].toFixed(3)],
      ['generateText, createResilientModel', model[1].toFixed(3)],
      ['added by createResilientModel (median of differences)', model[2].toFixed(3)],
      ['openai client (maxRetries 0)', chat[0].toFixed(3)],
      ['ResilientLLM.invoke', chat[1].toFixed(3)],
      ['added by ResilientLLM (median of differences)', chat[2].toFixed(3)],
    ]);
  } finally {
    await resilient.close();
    await llm.close();
    await mock.close();
  }
}

export async function benchLlmPeers(seed = 12, print?: (table: string) => void): Promise<string> {
  const out: string[] = [];
  const portkey = await startPortkey();
  const makers = portkey ? [...CONTENDERS, portkeyContender] : CONTENDERS;
  if (!portkey) out.push("Portkey's gateway: not run (set PORTKEY_GATEWAY_START to its build/start-server.js)");
  try {
  const only = process.argv[2];
  for (const scenario of SCENARIOS.filter((x) => only === undefined || x.name.includes(only))) {
    const rows: string[][] = [];
    let header: string[] | undefined;
    for (const make of makers) {
      if (STREAMS_ONLY.has(make) && !scenario.streams) continue;
      const mock = await startMockProviderServer();
      const proxy = new PrimaryProxy(`${mock.url}/primary`);
      await proxy.open();
      const c = make(`http://127.0.0.1:${proxy.port}/v1`, mock.openaiBaseURL('secondary'));
      try {
        // warm up the connection pools and latency histories (not counted)
        for (let i = 0; i < 20; i++) await c.generate(`warm ${i}`).catch(() => undefined);
        mock.clearRequests();
        proxy.requests.length = 0;
        const row = await scenario.run(c, mock, proxy, seed);
        header ??= ['contender', ...Object.keys(row)];
        rows.push([c.name, ...Object.values(row)]);
        console.error(`${scenario.name}: ${c.name} done`);
      } finally {
        await c.close();
        await proxy.close();
        await mock.close();
      }
    }
    out.push(`### ${scenario.name}\n\n${formatTable([header!, ...rows])}`);
    print?.(out.at(-1)!);
  }
  } finally {
    portkey?.kill();
  }
  return out.join('\n\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`LLM peers bench (seed 12, Node ${process.versions.node})\n`);
  if (process.argv[2] === undefined) console.log(`${await healthyOverhead()}\n`);
  await benchLlmPeers(12, (table) => console.log(`${table}\n`));
  process.exit(0);
}
