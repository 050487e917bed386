import type { ErrorPayload } from '../errors.js';
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
 * answered with one postMessage (and one journal write) instead of one each. Order is kept, and consecutive ledger
 * batches travel as one. A reply that acknowledges a change of the intervention log leaves only after the journal
 * holds that change; if the journal cannot be written, those replies become errors.
 */
export class Outbox {
  private messages: WorkerMessage[] = [];
  /** Positions of replies that acknowledge a change the journal may not hold yet. */
  private unjournaled: number[] = [];
  private records = 0;
  private scheduled = false;
  private journalDue = false;

  constructor(
    private readonly send: (post: WorkerPost) => void,
    private readonly journal: () => void,
    private readonly toError: (error: unknown) => ErrorPayload,
  ) {}

  /** The journal must be written before the next messages go out. */
  journalBeforeSending(): void {
    this.journalDue = true;
  }

  /** Queues a message; `acknowledgesJournal` for a reply that may only leave once the journal is written. */
  post(message: WorkerMessage, acknowledgesJournal = false): void {
    const last = this.messages.at(-1);
    if (message.type === 'ledger' && last?.type === 'ledger') {
      // The first batch was copied into an array of the outbox's own (below), so it may grow.
      (last.texts as string[]).push(...message.texts);
    } else {
      this.messages.push(message.type === 'ledger' ? { ...message, texts: [...message.texts] } : message);
    }
    if (acknowledgesJournal) this.unjournaled.push(this.messages.length - 1);
    if (message.type === 'ledger') this.records += message.texts.length;
    if (IMMEDIATE.has(message.type) || this.records >= MAX_RECORDS) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes the journal if due, then sends every queued message (one message, or an array of them in order). */
  flush(): void {
    this.scheduled = false;
    if (this.journalDue) {
      this.journalDue = false;
      try {
        this.journal();
      } catch (error) {
        // Nothing unjournaled is acknowledged: those requests fail, as when the write failed before the reply.
        const payload = this.toError(error);
        for (const index of this.unjournaled) {
          const reply = this.messages[index];
          if (reply.type === 'reply') {
            this.messages[index] = { type: 'reply', id: reply.id, ok: false, error: payload, info: reply.info };
          }
        }
      }
    }
    this.unjournaled = [];
    const messages = this.messages;
    if (messages.length === 0) return;
    this.messages = [];
    this.records = 0;
    this.send(messages.length === 1 ? messages[0] : messages);
  }
}
