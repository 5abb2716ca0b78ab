import type { Cache } from '@dynamodel/cache';
import { gate, type Gate } from './gate';

/** A real store whose next `lookup` or `fill` can be held before it reaches the store, to interleave a writer at that exact step. */
export interface GatedStore extends Cache {
  holdNext(step: 'lookup' | 'fill'): Gate;
}

export function gatedStore(store: Cache): GatedStore {
  const held = new Map<'lookup' | 'fill', ReturnType<typeof gate>>();
  const pass = async (step: 'lookup' | 'fill'): Promise<void> => {
    const hold = held.get(step);
    if (!hold) return;
    held.delete(step);
    hold.arrive();
    await hold.released;
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
      const hold = gate();
      held.set(step, hold);
      return hold.gate;
    },
  };
}
