import { createHash } from 'node:crypto';
import type { ContainerHealthStatus, ContainerInspect, ContainerStatus, ContainerSummary } from '../engine-types.js';

/** How a test describes a container of the {@link FakeDockerEngine}. */
export interface FakeContainerSpec {
  /** Container name (without the leading slash). */
  name: string;
  /** Default `nginx:1.27`. */
  image?: string;
  /** `State.Status`. Default `running`. */
  status?: ContainerStatus;
  /** `State.Health.Status`; `none` (the default) means the image has no HEALTHCHECK. */
  health?: ContainerHealthStatus;
  /** `State.Health.FailingStreak`. Default 0. */
  failingStreak?: number;
  /** `RestartCount`. Default 0. */
  restartCount?: number;
  /** `State.OOMKilled`. Default false. */
  oomKilled?: boolean;
  /** `State.ExitCode` (meaningful once exited). Default 0. */
  exitCode?: number;
  labels?: Record<string, string>;
}

/** The mutable state of one fake container. */
export type FakeContainerState = Required<Omit<FakeContainerSpec, 'name' | 'image' | 'labels'>>;

const CREATED_AT = '2026-11-01T08:00:00.000000000Z';
const ZERO_TIME = '0001-01-01T00:00:00Z';

export class FakeContainer {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly labels: Record<string, string>;
  state: FakeContainerState;

  constructor(spec: FakeContainerSpec, seq: number) {
    this.id = createHash('sha256').update(`${spec.name}#${seq}`).digest('hex');
    this.name = spec.name.replace(/^\//, '');
    this.image = spec.image ?? 'nginx:1.27';
    this.labels = { ...spec.labels };
    this.state = {
      status: spec.status ?? 'running',
      health: spec.health ?? 'none',
      failingStreak: spec.failingStreak ?? 0,
      restartCount: spec.restartCount ?? 0,
      oomKilled: spec.oomKilled ?? false,
      exitCode: spec.exitCode ?? 0,
    };
  }

  /** The human `Status` column of `docker ps`. */
  #statusText(): string {
    const s = this.state;
    const health = s.health === 'none' ? '' : s.health === 'starting' ? ' (health: starting)' : ` (${s.health})`;
    switch (s.status) {
      case 'running':
        return `Up 5 minutes${health}`;
      case 'paused':
        return 'Up 5 minutes (Paused)';
      case 'restarting':
        return `Restarting (${s.exitCode}) 2 seconds ago`;
      case 'exited':
        return `Exited (${s.exitCode}) 1 minute ago`;
      case 'created':
        return 'Created';
      case 'removing':
        return 'Removal In Progress';
      case 'dead':
        return 'Dead';
    }
  }

  /** An item of `GET /containers/json`, as the Engine sends it. */
  summary(): ContainerSummary & Record<string, unknown> {
    return {
      Id: this.id,
      Names: [`/${this.name}`],
      Image: this.image,
      ImageID: `sha256:${createHash('sha256').update(this.image).digest('hex')}`,
      Command: "/docker-entrypoint.sh nginx -g 'daemon off;'",
      Created: 1_793_520_000,
      Ports: [{ PrivatePort: 80, Type: 'tcp' }],
      Labels: this.labels,
      State: this.state.status,
      Status: this.#statusText(),
      HostConfig: { NetworkMode: 'bridge' },
      NetworkSettings: { Networks: { bridge: { NetworkID: 'b'.repeat(64), IPAddress: '172.17.0.2', Gateway: '172.17.0.1' } } },
      Mounts: [],
    };
  }

  /** The body of `GET /containers/{id}/json`, as the Engine sends it. */
  inspect(): ContainerInspect & Record<string, unknown> {
    const s = this.state;
    const running = s.status === 'running' || s.status === 'paused' || s.status === 'restarting';
    return {
      Id: this.id,
      Created: CREATED_AT,
      Path: '/docker-entrypoint.sh',
      Args: ['nginx', '-g', 'daemon off;'],
      State: {
        Status: s.status,
        Running: s.status === 'running' || s.status === 'paused',
        Paused: s.status === 'paused',
        Restarting: s.status === 'restarting',
        OOMKilled: s.oomKilled,
        Dead: s.status === 'dead',
        Pid: running ? 4242 : 0,
        ExitCode: s.exitCode,
        Error: '',
        StartedAt: CREATED_AT,
        FinishedAt: running ? ZERO_TIME : '2026-11-01T09:00:00.000000000Z',
        ...(s.health === 'none'
          ? {}
          : {
              Health: {
                Status: s.health,
                FailingStreak: s.failingStreak,
                Log: [
                  {
                    Start: '2026-11-01T08:59:30.000000000Z',
                    End: '2026-11-01T08:59:30.100000000Z',
                    ExitCode: s.failingStreak > 0 ? 1 : 0,
                    Output: s.failingStreak > 0 ? 'curl: (7) Failed to connect to localhost port 80' : 'ok',
                  },
                ],
              },
            }),
      },
      Image: `sha256:${createHash('sha256').update(this.image).digest('hex')}`,
      Name: `/${this.name}`,
      RestartCount: s.restartCount,
      Driver: 'overlay2',
      Platform: 'linux',
      HostConfig: { RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 }, NetworkMode: 'bridge' },
      Config: {
        Hostname: this.id.slice(0, 12),
        Image: this.image,
        Labels: this.labels,
        ...(s.health === 'none' ? {} : { Healthcheck: { Test: ['CMD', 'curl', '-f', 'http://localhost/'], Interval: 30_000_000_000 } }),
      },
      Mounts: [],
    };
  }
}
