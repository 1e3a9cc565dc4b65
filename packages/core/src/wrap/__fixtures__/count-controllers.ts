/** Counts the AbortControllers created while `fn` runs (to show a path allocates none). */
export async function countControllers(fn: () => Promise<void>): Promise<number> {
  const Original = globalThis.AbortController;
  let created = 0;
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      created++;
    }
  };
  try {
    await fn();
  } finally {
    globalThis.AbortController = Original;
  }
  return created;
}
