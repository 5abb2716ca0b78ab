import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { FEED_CONNECTION_NAME, InvalidationFeed, type FeedListener } from './invalidation-feed';
import type { NearTier } from './near-tier';

/** How a feed's own connection differs from the client's. */
const FEED_OPTIONS: Partial<RedisOptions> = {
  // Pushes to a redirect target arrive as pub/sub messages only under RESP2 (ioredis 6 drops RESP3 `invalidate` pushes).
  protocol: 2,
  connectionName: FEED_CONNECTION_NAME,
  lazyConnect: false,
  // The feed re-enables tracking before subscribing again: ioredis must not resubscribe on its own first.
  autoResubscribe: false,
  autoResendUnfulfilledCommands: false,
  enableOfflineQueue: true,
  maxRetriesPerRequest: null,
  retryStrategy: (times: number) => Math.min(times * 50, 2_000),
  keyPrefix: '',
};

/**
 * Keeps a `NearTier` serving exactly while the invalidation feeds of every node that holds the
 * cache's keys are up: the one Redis, or each master of a Cluster (followed through topology
 * changes; a changed set of masters empties the tier, as a key may have moved to a node whose feed
 * is new).
 */
export class NearTracking {
  private readonly feeds = new Map<string, InvalidationFeed>();
  private readonly detach: () => void;
  private closed = false;

  constructor(
    private readonly client: Redis | Cluster,
    private readonly prefix: string,
    private readonly heartbeatMs: number,
    private readonly near: NearTier,
  ) {
    if (isCluster(client)) {
      const scaleReads = client.options.scaleReads ?? 'master';
      if (scaleReads !== 'master') {
        // A replica may answer a read with a value its master replaced and already reported.
        throw new TypeError(
          `RedisCache's near tier needs a Cluster client that reads from masters (scaleReads is '${String(scaleReads)}')`,
        );
      }
      const sync = (): void => this.syncCluster(client);
      for (const event of ['ready', 'refresh', '+node', '-node']) client.on(event, sync);
      this.detach = () => {
        for (const event of ['ready', 'refresh', '+node', '-node']) client.off(event, sync);
      };
      if (client.status === 'ready') sync();
    } else {
      this.detach = () => undefined;
      this.feeds.set('redis', this.feed(client.duplicate(FEED_OPTIONS), client.options.keyPrefix ?? ''));
    }
  }

  close(): void {
    this.closed = true;
    this.detach();
    for (const feed of this.feeds.values()) feed.close();
    this.feeds.clear();
    this.near.setServing(false);
  }

  private syncCluster(cluster: Cluster): void {
    if (this.closed) return;
    const masters = new Map<string, Redis>();
    for (const node of cluster.nodes('master')) masters.set(`${node.options.host}:${node.options.port}`, node);
    const same = masters.size === this.feeds.size && [...masters.keys()].every((id) => this.feeds.has(id));
    if (same) return;
    this.near.setServing(false);
    for (const [id, feed] of this.feeds) {
      if (masters.has(id)) continue;
      feed.close();
      this.feeds.delete(id);
    }
    const keyPrefix = cluster.options.keyPrefix ?? cluster.options.redisOptions?.keyPrefix ?? '';
    for (const [id, node] of masters) {
      if (!this.feeds.has(id)) this.feeds.set(id, this.feed(node.duplicate(FEED_OPTIONS), keyPrefix));
    }
    this.update();
  }

  private feed(connection: Redis, keyPrefix: string): InvalidationFeed {
    const listener: FeedListener = {
      up: () => this.update(),
      down: () => this.update(),
      changed: (keys) => this.near.invalidate(keys),
      flushed: () => this.near.flush(),
    };
    return new InvalidationFeed(connection, this.prefix, keyPrefix, this.heartbeatMs, listener);
  }

  private update(): void {
    let allUp = this.feeds.size > 0 && !this.closed;
    for (const feed of this.feeds.values()) allUp &&= feed.isUp;
    this.near.setServing(allUp);
  }
}

function isCluster(client: Redis | Cluster): client is Cluster {
  return 'isCluster' in client && client.isCluster;
}
