import { createRequire } from 'node:module';
import { ConfigError } from '@rampart/core';
import type { SdkErrorClasses } from '../errors/map-provider-error.js';
import type { ProviderKind } from '../types.js';

/**
 * The npm package a provider kind needs when no client is given. Both are optional peer
 * dependencies of @rampart/llm: a user installs the one(s) their providers use.
 */
export const SDK_PACKAGE = {
  openai: 'openai',
  'openai-compatible': 'openai',
  anthropic: '@anthropic-ai/sdk',
} as const satisfies Record<ProviderKind, string>;

type SdkPackage = (typeof SDK_PACKAGE)[ProviderKind];

const requireHere = createRequire(import.meta.url);
const resolvable = new Map<SdkPackage, boolean>();

/**
 * Whether `pkg` resolves from @rampart/llm's own location (where `import()` will look), without
 * loading it. Only "not found" counts as missing: a package whose exports map refuses `require`
 * is still installed, and `import()` is what decides.
 */
function sdkInstalled(pkg: SdkPackage): boolean {
  let found = resolvable.get(pkg);
  if (found === undefined) {
    try {
      requireHere.resolve(pkg);
      found = true;
    } catch (err) {
      found = (err as { code?: unknown }).code !== 'MODULE_NOT_FOUND';
    }
    resolvable.set(pkg, found);
  }
  return found;
}

function missingSdk(kind: ProviderKind, path: string, cause?: unknown): ConfigError {
  const pkg = SDK_PACKAGE[kind];
  return new ConfigError(path, `kind "${kind}" needs the ${pkg} package, which is not installed: npm i ${pkg} (or pass a ready client)`, kind, { cause });
}

/**
 * Construction-time check for a provider without a client: throws a {@link ConfigError} naming
 * `path` (`providers[1].kind`) when its kind's SDK is not installed. Synchronous; loads nothing.
 */
export function assertSdkInstalled(kind: ProviderKind, path: string): void {
  if (!sdkInstalled(SDK_PACKAGE[kind])) throw missingSdk(kind, path);
}

function isMissing(err: unknown, pkg: string): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && typeof e.message === 'string' && e.message.includes(`'${pkg}'`);
}

let openai: Promise<typeof import('openai')> | undefined;
let anthropic: Promise<typeof import('@anthropic-ai/sdk')> | undefined;

/** The `openai` module, imported once, when the first adapter that needs it is made; a {@link ConfigError} naming `path` when it is missing. */
export function importOpenAI(kind: 'openai' | 'openai-compatible', path: string): Promise<typeof import('openai')> {
  openai ??= import('openai');
  return openai.catch((err: unknown) => {
    throw isMissing(err, 'openai') ? missingSdk(kind, path, err) : err;
  });
}

/** The `@anthropic-ai/sdk` module, imported once, when the first adapter that needs it is made; a {@link ConfigError} naming `path` when it is missing. */
export function importAnthropic(path: string): Promise<typeof import('@anthropic-ai/sdk')> {
  anthropic ??= import('@anthropic-ai/sdk');
  return anthropic.catch((err: unknown) => {
    throw isMissing(err, '@anthropic-ai/sdk') ? missingSdk('anthropic', path, err) : err;
  });
}

/**
 * The error classes of the SDK that made `client` (the generated clients carry them as statics:
 * `OpenAI.APIError`), so a client from another copy or major of the SDK than the one Rampart would
 * load is still mapped by `instanceof` against its own classes.
 */
export function errorClassesOf(client: object, path: string): SdkErrorClasses {
  const sdk = client.constructor as Partial<Record<keyof SdkErrorClasses, unknown>>;
  const keys: Array<keyof SdkErrorClasses> = ['APIError', 'APIConnectionError', 'APIConnectionTimeoutError', 'APIUserAbortError'];
  const lacking = keys.filter((k) => typeof sdk[k] !== 'function');
  if (lacking.length > 0) throw new ConfigError(path, `is not an SDK client: its class has no ${lacking.join(', ')}`, undefined);
  return sdk as SdkErrorClasses;
}
