import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.js';

describe('docker-k8s-monitors example', () => {
  it('reports docker:host and k8s_pod:web through the manager as things break', async () => {
    const lines: string[] = [];
    await runScenario((l) => lines.push(l));
    expect(lines).toEqual([
      '1. everything up: overall healthy',
      '  docker:host healthy',
      '  k8s_pod:web healthy',
      '2. a container and a pod restarted (OOMKilled): overall degraded',
      '  docker:host degraded (worker)',
      '  k8s_pod:web degraded (web-7d9f-2)',
      '3. health check failing, pod in CrashLoopBackOff: overall critical',
      '  docker:host critical (api)',
      '  k8s_pod:web critical (web-7d9f-2)',
      '4. Docker daemon and API server gone: overall unavailable',
      '  docker:host unavailable',
      '  k8s_pod:web unavailable',
    ]);
  });
});
