/** An in-process pair of LLM providers with a request quota each; no network, no keys. */
export class SimulatedProviders {
  readonly limit = 5;
  readonly #left = new Map<string, number>([
    ['openai', 3],
    ['anthropic', 3],
    ['local', Number.POSITIVE_INFINITY],
  ]);

  quota(provider: string): { remaining: number; limit: number } {
    return { remaining: Math.min(this.limit, this.#left.get(provider) ?? 0), limit: this.limit };
  }

  async complete(provider: string, prompt: string, degradation: number): Promise<string> {
    const left = this.#left.get(provider) ?? 0;
    if (left <= 0) throw Object.assign(new Error(`${provider}: quota exhausted`), { status: 429 });
    this.#left.set(provider, left - 1);
    return `[${provider}${degradation > 0 ? ', cheaper model' : ''}] ${prompt}`;
  }
}
