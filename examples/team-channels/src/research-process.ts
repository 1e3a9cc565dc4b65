// The research team's process, forked by the marketing process (scenario.ts). It starts when
// told to over IPC, answers commands, and exits by itself once stopped, or when its parent goes.
import { ResearchTeam } from './research-team.js';
import type { ChildEnvelope, CommandEnvelope, ResearchAnswers, ResearchCommand } from './ipc-messages.js';

let team: ResearchTeam | undefined;

function post(envelope: ChildEnvelope): void {
  process.send?.(envelope);
}

function started(): ResearchTeam {
  if (team === undefined) throw new Error('research: not started');
  return team;
}

async function run(command: ResearchCommand): Promise<ResearchAnswers[keyof ResearchAnswers]> {
  switch (command.op) {
    case 'start': {
      team = new ResearchTeam(command.config, command.marketingUrl);
      team.channels.onChannelSwitch(({ from, to, reason }) => post({ log: `research: now sending over ${to ?? 'nothing (outbox)'}, was ${from ?? 'nothing'} (${reason})` }));
      await team.start();
      return { url: team.url!, pid: process.pid };
    }
    case 'close-http':
      await started().closeHttpServer();
      return null;
    case 'wait-active':
      await started().waitUntilActive(command.kind);
      return null;
    case 'health':
      return { health: await started().getHealthWhenReplied(), handled: started().handled };
    case 'stop': {
      const t = started();
      await t.stop();
      return { handled: t.handled };
    }
  }
}

process.on('message', (raw) => {
  const { id, ...command } = raw as CommandEnvelope;
  run(command).then(
    (value) => {
      post({ id, ok: true, value });
      if (command.op === 'stop') process.disconnect(); // nothing else keeps the process alive: it exits
    },
    (error: unknown) => post({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});

// The parent went away (exit, crash, kill): stop too, so no orphan keeps ports or connections.
process.on('disconnect', () => void team?.stop());
