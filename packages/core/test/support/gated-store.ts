import type { Cache } from '@dynamodel/cache';

/** A store call held before it reaches the store: `reached` resolves when it arrives, `release()` lets it through. */
export interface StoreGate {
  readonly reached: Promise<void>;
  release(): void;
}

/** A real store whose next `lookup` or `fill` can be held, to interleave a writer at that exact step. */
export interface GatedStore extends Cache {
  holdNext(step: 'lookup' | 'fill'): StoreGate;
}

export function gatedStore(store: Cache): GatedStore {
  const held = new Map<'lookup' | 'fill', { reached: () => void; released: Promise<void> }>();
  const pass = async (step: 'lookup' | 'fill'): Promise<void> => {
    const gate = held.get(step);
    if (!gate) return;
    held.delete(step);
    gate.reached();
    await gate.released;
  };
  return {
    async lookup(refs) {
      await pass('lookup');
      return store.lookup(refs);
    },
    async fill(ref, token, value, options) {
      await pass('fill');
      return store.fill(ref, token, value, options);
    },
    invalidate: (invalidations) => store.invalidate(invalidations),
    holdNext(step) {
      let reached!: () => void;
      let release!: () => void;
      const gate: StoreGate = {
        reached: new Promise<void>((resolve) => (reached = resolve)),
        release: () => release(),
      };
      held.set(step, { reached, released: new Promise<void>((resolve) => (release = resolve)) });
      return gate;
    },
  };
}
