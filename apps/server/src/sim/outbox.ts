import type { WorkerMessage, WorkerPost } from './protocol.js';

/** Messages that go out at once: the watchdog must hear a heartbeat before long synchronous work, say. */
const IMMEDIATE: ReadonlySet<WorkerMessage['type']> = new Set([
  'ready',
  'init-failed',
  'heartbeat',
  'status',
  'failed',
  'rewind',
]);

/** Ledger records that make the outbox go out before the end of the turn (a long run fills it quickly). */
const MAX_RECORDS = 5_000;

/**
 * What a simulation worker sends its host, gathered over one turn of its event loop: a burst of requests is
 * answered with one postMessage instead of one each. Order is kept, and consecutive ledger batches travel as one.
 */
export class Outbox {
  private messages: WorkerMessage[] = [];
  private records = 0;
  private scheduled = false;

  constructor(private readonly send: (post: WorkerPost) => void) {}

  /** Queues a message; some go out at once (with everything queued before them). */
  post(message: WorkerMessage): void {
    const last = this.messages.at(-1);
    if (message.type === 'ledger' && last?.type === 'ledger') {
      // The first batch was copied into an array of the outbox's own (below), so it may grow.
      (last.texts as string[]).push(...message.texts);
    } else {
      this.messages.push(message.type === 'ledger' ? { ...message, texts: [...message.texts] } : message);
    }
    if (message.type === 'ledger') this.records += message.texts.length;
    if (IMMEDIATE.has(message.type) || this.records >= MAX_RECORDS) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends every queued message (one message, or an array of them in order). */
  flush(): void {
    this.scheduled = false;
    const messages = this.messages;
    if (messages.length === 0) return;
    this.messages = [];
    this.records = 0;
    this.send(messages.length === 1 ? messages[0] : messages);
  }
}
