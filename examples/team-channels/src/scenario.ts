import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ChannelKind, TeamChannelsHealth } from '@rampart/channels';
import { ConfigError } from '@rampart/core';
import { nonEmptyString, optionsObject, positiveInt, redactUrl } from '@rampart/core/internal';
import { Redis } from 'ioredis';
import { pollUntil } from './check-until.js';
import { formatHealth } from './format-health.js';
import { settledMessageFiles, countRedisMessages, deleteRedisKeys } from './leftovers.js';
import { MarketingTeam, type FactsAnswer } from './marketing-team.js';
import type { ChannelsConfig } from './open-team-channels.js';
import { ResearchChild, type ResearchEntry } from './research-child.js';
import { ResearchTeam } from './research-team.js';
import { SharedFolder } from './shared-folder.js';
import { TcpOutageProxy } from './tcp-outage-proxy.js';

export interface ScenarioOptions {
  /** Where to print what happens. */
  log: (line: string) => void;
  /** The real Redis server. Default `REDIS_URL`, else `redis://127.0.0.1:6379`. */
  redisUrl?: string;
  /** How often each team checks its channels and resends its outbox, ms. Default 150. */
  healthCheckIntervalMs?: number;
  /** Bound on one send and one health check, ms. Default 2 000. */
  timeoutMs?: number;
  /** How long a request may wait for its reply (the one parked in the outbox included), ms. Default 60 000. */
  requestTimeoutMs?: number;
  /** The research process's script and node flags. Default: `research-process.js` beside this file, plain node. */
  research?: ResearchEntry;
}

/** One request of the schedule. */
export interface ScenarioStep {
  /** What was broken (or mended) before it. */
  situation: string;
  topic: string;
  /** It waited in marketing's outbox first. */
  queued: boolean;
  requestOver: ChannelKind | undefined;
  replyOver: ChannelKind | undefined;
  facts: string[];
  /** Process id of the research process that answered. */
  answeredBy: number;
}

export interface ScenarioResult {
  steps: ScenarioStep[];
  /** Times research's handler ran for each request id. */
  handled: Record<string, number>;
  /** `getHealth()` of both teams at the end, before they stop. */
  health: { marketing: TeamChannelsHealth; research: TeamChannelsHealth };
  /** Message files and Redis inbox entries left once both teams were done (before cleanup). */
  leftovers: { files: number; redisMessages: number };
  research: { pid: number; exit: { code: number | null; signal: NodeJS.Signals | null } };
  /** The run's Redis key prefix and temp dir, both gone when runScenario resolves. */
  keyPrefix: string;
  tempDir: string;
}

const TEAMS = [MarketingTeam.TEAM, ResearchTeam.TEAM] as const;

function resolveOptions(options: ScenarioOptions) {
  const o = optionsObject('runScenario', options);
  if (typeof o.log !== 'function') throw new ConfigError('runScenario.log', 'must be a function', typeof o.log);
  const redisUrl = nonEmptyString('runScenario.redisUrl', o.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const url = URL.canParse(redisUrl) ? new URL(redisUrl) : undefined;
  if (url?.protocol !== 'redis:') throw new ConfigError('runScenario.redisUrl', 'must be a redis:// URL', redactUrl(redisUrl));
  return Object.freeze({
    log: o.log,
    redisUrl,
    redisTarget: { host: url.hostname, port: Number(url.port || 6379) },
    healthCheckIntervalMs: positiveInt('runScenario.healthCheckIntervalMs', o.healthCheckIntervalMs ?? 150),
    timeoutMs: positiveInt('runScenario.timeoutMs', o.timeoutMs ?? 2_000),
    requestTimeoutMs: positiveInt('runScenario.requestTimeoutMs', o.requestTimeoutMs ?? 60_000),
    research: o.research ?? { script: fileURLToPath(new URL('./research-process.js', import.meta.url)) },
  });
}

/**
 * Marketing (this process) asks Research (a child process) for facts while the channels between
 * them break for real, in priority order file → HTTP → Redis: all up (file); the shared folder
 * unplugged (HTTP); research's HTTP server closed (Redis); Redis unreachable too (the request
 * waits in marketing's outbox until Redis is back); the folder back (file again). Prints which
 * channel carried each request and reply, and both teams' health. Cleans up everything it made:
 * the child process, the temp dir, the Redis keys.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const o = resolveOptions(options);
  const { log } = o;
  const folder = await SharedFolder.create();
  const proxy = new TcpOutageProxy(o.redisTarget);
  const admin = new Redis(o.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }); // direct, not through the proxy
  const keyPrefix = `rampart-example:team-channels:${process.pid}:${randomUUID()}`;
  let marketing: MarketingTeam | undefined;
  let child: ResearchChild | undefined;
  let exited = false;
  try {
    await Promise.all([proxy.start(), admin.connect()]);
    const config: ChannelsConfig = {
      directory: folder.path,
      redisUrl: `redis://${proxy.address.host}:${proxy.address.port}`,
      keyPrefix,
      httpToken: randomBytes(18).toString('base64url'),
      healthCheckIntervalMs: o.healthCheckIntervalMs,
      timeoutMs: o.timeoutMs,
    };
    const team = (marketing = new MarketingTeam(config));
    team.channels.onChannelSwitch(({ from, to, reason }) => log(`   marketing: now sending over ${to ?? 'nothing (outbox)'}, was ${from ?? 'nothing'} (${reason})`));
    await team.start();
    const research = (child = new ResearchChild(o.research, (line) => log(`   ${line}`)));
    void research.exited.then(() => (exited = true));
    const started = await research.call({ op: 'start', config, marketingUrl: team.url! });
    team.setResearchUrl(started.url);
    log(`research runs in process ${started.pid}; each team sends over file → http → redis, the first that works`);
    log(`(shared folder ${folder.path}, Redis through a proxy at ${config.redisUrl}, key prefix ${keyPrefix})`);
    await Promise.all([team.waitUntilActive('file'), research.call({ op: 'wait-active', kind: 'file' })]);

    const steps: ScenarioStep[] = [];
    const record = (situation: string, answer: FactsAnswer, queued: boolean) => {
      const { topic, facts, pid, requestOver, replyOver } = answer;
      steps.push({ situation, topic, queued, requestOver, replyOver, facts, answeredBy: pid });
      log(`   "${topic}": request over ${requestOver}${queued ? ' (from the outbox)' : ''}, reply over ${replyOver}: ${facts.join('; ')}`);
    };
    const ask = async (situation: string, topic: string) => record(situation, await team.askForFacts(topic, o.requestTimeoutMs), false);

    log('1. everything is up');
    await ask('everything up', 'solar panels');

    // Let both teams finish with the files of step 1 first: a handled file whose deletion fails
    // (the folder gone mid-way) stays in processing/ until the next start, which redelivers it.
    if ((await settledMessageFiles(folder.path, TEAMS)) !== 0) throw new Error('message files still being handled');
    await folder.break();
    log('2. the shared folder is unplugged (its link points at a plain file: every write fails with ENOTDIR)');
    await ask('shared folder unplugged', 'electric bikes');

    await research.call({ op: 'close-http' });
    log("3. research's HTTP server is closed too (connections refused)");
    await ask("research's HTTP server closed", 'heat pumps');

    proxy.cut();
    log('4. Redis is unreachable as well (the proxy resets every connection): no channel is left');
    // Wait until marketing has seen it: a send begun on a dying connection could still land
    // later (at least once, deduplicated); this way the story is the outbox's alone.
    await team.waitUntilUnhealthy('redis');
    const parked = team.askForFacts('wind turbines', o.requestTimeoutMs);
    parked.catch(() => undefined); // awaited below; a rejection must not go unhandled meanwhile
    await pollUntil(() => team.getHealth().outboxDepth === 1, "the request reaching marketing's outbox");
    log(`   the request waits in marketing's outbox (outboxDepth ${team.getHealth().outboxDepth})`);
    proxy.restore();
    log('   Redis is reachable again: the next health check resends the outbox');
    record('no channel left, then Redis back', await parked, true);

    await folder.restore();
    log('5. the shared folder is back');
    await Promise.all([team.waitUntilActive('file'), research.call({ op: 'wait-active', kind: 'file' })]);
    await ask('shared folder back', 'solar panels');

    const end = await research.call({ op: 'health' });
    const health = { marketing: team.getHealth(), research: end.health };
    log('getHealth() at the end:');
    for (const line of [...formatHealth(health.marketing), ...formatHealth(health.research)]) log(`   ${line}`);

    await research.call({ op: 'stop' });
    const exit = await research.exited;
    await team.stop();
    // A file is deleted just after its handler settles, which stop() does not wait for: let the last one go.
    const leftovers = { files: await settledMessageFiles(folder.path, TEAMS), redisMessages: await countRedisMessages(admin, keyPrefix, TEAMS) };
    const handledOnce = Object.values(end.handled).filter((n) => n === 1).length;
    log(
      `marketing got ${steps.length} replies to ${steps.length} requests; research handled ${Object.keys(end.handled).length} request ids, ` +
        `${handledOnce} of them exactly once; left in outboxes ${health.marketing.outboxDepth + health.research.outboxDepth}, ` +
        `in the folder ${leftovers.files}, in Redis ${leftovers.redisMessages}; research exited with ${exit.code ?? exit.signal}`,
    );
    return { steps, handled: end.handled, health, leftovers, research: { pid: started.pid, exit }, keyPrefix, tempDir: folder.root };
  } finally {
    proxy.restore(); // so the teams can say goodbye to Redis while closing
    if (child !== undefined && !exited) {
      child.kill(); // only after a failure: the happy path stopped it
      await child.exited;
    }
    await marketing?.stop();
    await proxy.close();
    if (admin.status === 'ready') await deleteRedisKeys(admin, keyPrefix);
    admin.disconnect();
    await folder.remove();
  }
}
