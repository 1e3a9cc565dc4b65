import OpenAI6 from 'openai';
import OpenAI7 from 'openai-v7';
import type { MockProviderServer } from '../../testing/mock-provider-server.js';

/**
 * The ways the OpenAI adapter meets the `openai` SDK: the package it imports itself (the workspace's
 * openai 6), or a client the user made with openai 6 or 7 (`openai-v7`, an npm alias of openai@7).
 * A client is made with SDK retries on, so a test fails if Rampart's copy does not turn them off.
 */
export interface OpenAIVariant {
  readonly label: string;
  client(server: MockProviderServer, name: string): object | undefined;
}

export const OPENAI_VARIANTS: readonly OpenAIVariant[] = [
  { label: 'openai 6, imported by the adapter', client: () => undefined },
  {
    label: 'openai 6, a client passed in',
    client: (server, name) => new OpenAI6({ apiKey: `sk-${name}-own-key-0123456789`, baseURL: server.openaiBaseURL(name), maxRetries: 4 }),
  },
  {
    label: 'openai 7, a client passed in',
    client: (server, name) => new OpenAI7({ apiKey: `sk-${name}-own-key-0123456789`, baseURL: server.openaiBaseURL(name), maxRetries: 4 }),
  },
];
