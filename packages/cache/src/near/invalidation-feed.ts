import type { Redis } from 'ioredis';

/** What a feed reports to the near tier. */
export interface FeedListener {
  /** From now on every change of a key under the prefix on this node is reported. */
  up(): void;
  /** Changes may go unreported (the connection closed, or a ping went unanswered). */
  down(reason: string): void;
  /** Keys under the prefix that were written, deleted, expired or evicted. */
  changed(keys: readonly string[]): void;
  /** The node's data was flushed (FLUSHALL, FLUSHDB): every key may have changed. */
  flushed(): void;
}

/** The connection name a feed shows in `CLIENT LIST`. */
export const FEED_CONNECTION_NAME = 'dynamodel-near';

const CHANNEL = '__redis__:invalidate';

/**
 * One Redis node's invalidation pushes, on a connection of its own: `CLIENT TRACKING ON REDIRECT
 * <its own id> BCAST PREFIX <prefix>` and `SUBSCRIBE __redis__:invalidate` under RESP2. Broadcast
 * mode reports every change of a key under the prefix, whichever connection read it, so a reconnect
 * of the connection that reads (or a read sent on another one) cannot leave a key untracked; Redis
 * batches a turn's changed keys into one message. The feed is down from a close (or an unanswered
 * ping) until tracking and the subscription are confirmed on the next connection.
 */
export class InvalidationFeed {
  private up = false;
  /** Counts connections: a setup or ping answered on an earlier one is ignored. */
  private attempt = 0;
  private pingsUnanswered = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  /**
   * `connection` is this feed's own (RESP2, no resubscribing or re-sending of its own); `keyPrefix`
   * is the ioredis `keyPrefix` the cache's client puts before every key, stripped from the keys reported.
   */
  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly keyPrefix: string,
    private readonly heartbeatMs: number,
    private readonly listener: FeedListener,
  ) {
    connection.on('ready', () => void this.track());
    connection.on('close', () => this.lost('the invalidation connection closed'));
    // A failure shows as a close; ioredis would print every failed reconnect without a listener.
    connection.on('error', () => undefined);
    connection.on('messageBuffer', (channel: Buffer, message: unknown) => this.message(channel, message));
    this.timer = setInterval(() => this.heartbeat(), heartbeatMs);
    this.timer.unref();
    if (connection.status === 'ready') void this.track();
  }

  get isUp(): boolean {
    return this.up;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.lost('closed');
    this.connection.disconnect();
  }

  private async track(): Promise<void> {
    const attempt = ++this.attempt;
    try {
      const id: unknown = await this.connection.client('ID');
      await this.connection.call(
        'CLIENT',
        'TRACKING',
        'ON',
        'REDIRECT',
        String(id),
        'BCAST',
        'PREFIX',
        `${this.keyPrefix}${this.prefix}`,
      );
      await this.connection.subscribe(CHANNEL);
      if (attempt !== this.attempt || this.closed) return;
      this.pingsUnanswered = 0;
      this.up = true;
      this.listener.up();
    } catch (error) {
      if (attempt !== this.attempt || this.closed) return;
      this.lost(`tracking could not be enabled: ${error instanceof Error ? error.message : String(error)}`);
      this.connection.disconnect(true); // and try again on a new connection
    }
  }

  private lost(reason: string): void {
    this.attempt++;
    if (!this.up) return;
    this.up = false;
    this.listener.down(reason);
  }

  private message(channel: Buffer, message: unknown): void {
    if (channel.toString() !== CHANNEL) return;
    if (message === null) {
      this.listener.flushed();
      return;
    }
    const keys = (Array.isArray(message) ? message : [message]).map((key) => String(key));
    const cut = this.keyPrefix.length;
    this.listener.changed(cut === 0 ? keys : keys.map((key) => key.slice(cut)));
  }

  /**
   * Pushes and replies share the connection, in order: a ping answered means every push Redis sent
   * before it has been read. One still unanswered at the next beat means pushes may be stuck.
   */
  private heartbeat(): void {
    if (!this.up) return;
    if (this.pingsUnanswered > 0) {
      this.lost(`a ping of the invalidation connection went unanswered for ${this.heartbeatMs} ms`);
      this.connection.disconnect(true);
      return;
    }
    const attempt = this.attempt;
    this.pingsUnanswered++;
    this.connection.ping().then(
      () => {
        if (attempt === this.attempt) this.pingsUnanswered = 0;
      },
      () => undefined, // a failed ping is followed by a close
    );
  }
}
