import { LRUCache } from 'lru-cache';
import type { Item } from '../codecs/object-codec';
import { itemFromText } from './item-text';

/** How many parsed items a connection keeps, and of how much cached text (UTF-16 code units) at most. */
export const PARSED_TEXTS_MAX_ENTRIES = 1_000;
export const PARSED_TEXTS_MAX_TEXT = 1 << 20;

/**
 * The items of the cached texts a connection read most recently, parsed once: a hot item's hits
 * then cost a map lookup instead of `JSON.parse` and a copy of every value (two thirds of a
 * `MemoryCache` hit's own time). Keyed by the text itself — a pure function's memo, whichever
 * store, entry or model the text came from. Only texts the store holds in this process come here
 * (`ModelCache.parseItem`): the store hands back the same string on each hit, whose hash V8 keeps.
 *
 * The items are shared by every instance decoded from them, as the item `save()` compares with
 * (`model/stored-state.ts`), so nothing may change them: they are frozen, decoders build new values
 * (bytes copied), and a user codec's `fromDynamo` is handed a copy (`codecs/copy-attribute-value.ts`).
 */
export class ParsedTexts {
  private readonly items = new LRUCache<string, Item>({
    max: PARSED_TEXTS_MAX_ENTRIES,
    maxSize: PARSED_TEXTS_MAX_TEXT,
    sizeCalculation: (_item, text) => Math.max(1, text.length),
  });

  /** The item of `text` (`ItemTextError` when it is not an item's text; not kept). */
  item(text: string): Item {
    let item = this.items.get(text);
    if (item === undefined) {
      item = deepFreeze(itemFromText(text));
      this.items.set(text, item);
    }
    return item;
  }

  /** Items held (for tests). */
  get size(): number {
    return this.items.size;
  }
}

/**
 * Freezes an item and every value in it, so code that would change a shared item throws instead
 * of changing what other instances were read as. Bytes are left as they are: a typed array with
 * elements cannot be frozen, and every reader copies them (`codecs/binary-codec.ts`).
 */
function deepFreeze<V extends object>(value: V): V {
  if (ArrayBuffer.isView(value)) return value;
  for (const name of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[name];
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  }
  return Object.freeze(value);
}
