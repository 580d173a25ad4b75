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
  private readonly entries: QueuedItem<T>[] = [];
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
    this.entries.push({ item, settlers: [] });
    if (!this.running) void this.run();
  }

  /**
   * Queues an item and resolves once the socket has taken it, or rejects with the socket's
   * error (onError hears it too): for clients that must know their request left.
   * @example await q.send(executeRequest)
   */
  send(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.entries.push({ item, settlers: [{ resolve, reject }] });
      if (!this.running) void this.run();
    });
  }

  /** Items not yet handed to the socket. */
  get pending(): number {
    return this.entries.length + (this.running ? 1 : 0);
  }

  /** Resolves once every queued item has been handed to the socket. */
  drained(): Promise<void> {
    if (!this.running && this.entries.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.entries.length > 0) {
      const head = this.entries.shift() as QueuedItem<T>;
      if (this.merge) {
        while (this.entries.length > 0) {
          const merged = this.merge(head.item, this.entries[0].item);
          if (merged === undefined) break;
          head.item = merged;
          head.settlers.push(...(this.entries.shift() as QueuedItem<T>).settlers);
        }
      }
      try {
        const frames = this.encode(head.item);
        if (frames) await this.socket.send(frames);
        for (const s of head.settlers) s.resolve();
      } catch (err) {
        this.onError(err, head.item);
        for (const s of head.settlers) s.reject(err);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** A queued item and the callers of send() waiting for it (several once merged). */
interface QueuedItem<T> {
  item: T;
  settlers: { resolve: () => void; reject: (err: unknown) => void }[];
}
