// Hedging across models shares its options, delay, cap and race with ResilientLLM's (@rampart/llm):
// one implementation, one set of names and defaults.
export { LatencyWindow, ProviderHedging, type HedgingOptions } from '@rampart/llm';
