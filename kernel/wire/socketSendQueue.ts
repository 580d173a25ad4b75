// zeromq 6's send() is asynchronous and rejects with EBUSY when a second send starts while
// one is pending (tslab loses messages this way). Every socket therefore gets one queue
// that sends strictly one message at a time, in arrival order.

/** Anything with zeromq 6's `send(frames): Promise<void>`. */
export interface FrameSink {
  send(frames: Buffer[]): Promise<void>;
}

/**
 * A FIFO of messages for one socket. `merge` may fold the next queued item into the head
 * while a send is pending (used to coalesce consecutive stream chunks).
 * @example
 * const q = new SocketSendQueue<Buffer[]>(shell, (frames) => frames, (err) => log(err));
 * q.push(encodeMessage(reply, signer));
 * await q.drained();
 */
export class SocketSendQueue<T> {
  private readonly items: T[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly socket: FrameSink,
    private readonly encode: (item: T) => Buffer[] | undefined,
    private readonly onError: (err: unknown, item: T) => void,
    private readonly merge?: (head: T, next: T) => T | undefined,
  ) {}

  /** Queues an item; sending starts at once when the socket is free. */
  push(item: T): void {
    this.items.push(item);
    if (!this.running) void this.run();
  }

  /** Items not yet handed to the socket. */
  get pending(): number {
    return this.items.length + (this.running ? 1 : 0);
  }

  /** Resolves once every queued item has been handed to the socket. */
  drained(): Promise<void> {
    if (!this.running && this.items.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.items.length > 0) {
      let head = this.items.shift() as T;
      if (this.merge) {
        while (this.items.length > 0) {
          const merged = this.merge(head, this.items[0]);
          if (merged === undefined) break;
          head = merged;
          this.items.shift();
        }
      }
      try {
        const frames = this.encode(head);
        if (frames) await this.socket.send(frames);
      } catch (err) {
        this.onError(err, head);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
