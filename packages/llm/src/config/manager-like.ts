import type { ResilienceManager } from '@rampart/core';

/** The manager the LLM runs its calls through (checked by shape, so two copies of core still work). */
export type ResilienceManagerLike = ResilienceManager;
