import 'reflect-metadata';
import { Attribute, HashKey, Keys, Model, Table, Version } from '../../src';

// Models of the cache fault tests, with their types spelled out: the second process of the
// two-process tests loads this file through tsx (esbuild), which emits no decorator type metadata.

@Table({ name: 'cached_notes', cache: { ttl: '1h' } })
export class Note extends Model {
  declare [Keys]?: 'id';
  @HashKey({ type: String }) id!: string;
  @Attribute({ type: String }) text!: string;
}

/** A short TTL: what bounds staleness when an invalidation failed. */
@Table({ name: 'cached_brief_notes', cache: { ttl: '600ms' } })
export class BriefNote extends Model {
  declare [Keys]?: 'id';
  @HashKey({ type: String }) id!: string;
  @Attribute({ type: String }) text!: string;
}

@Table({ name: 'cached_accounts', cache: { ttl: '1h' } })
export class Account extends Model {
  declare [Keys]?: 'id';
  @HashKey({ type: String }) id!: string;
  @Attribute({ type: Number }) balance!: number;
  @Version() version?: number;
}
