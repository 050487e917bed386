import Database from 'better-sqlite3';

/**
 * Which stream of a simulation a delivery carries: a range of ledger seqs, or a range of the lifecycle notices
 * (status changes, intervention updates) numbered per webhook.
 */
export type DeliveryStream = 'ledger' | 'notice';

export type OutboxStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

export interface OutboxDelivery {
  readonly id: string;
  readonly webhook_id: string;
  readonly timeline: number;
  readonly stream: DeliveryStream;
  readonly from_seq: number;
  readonly to_seq: number;
  readonly event_count: number;
  /** The exact body sent on every attempt (the signature covers it). */
  readonly body: string;
  readonly status: OutboxStatus;
  readonly attempts: number;
  /** Epoch ms of the next attempt; null once delivered or failed. */
  readonly next_attempt_at: number | null;
  readonly last_status_code: number | null;
  readonly last_error: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Where a webhook stands in one simulation: how far its streams are queued and delivered. */
export interface Subscription {
  readonly webhook_id: string;
  /** Every ledger seq up to this one is queued (or matched none of the webhook's event types). */
  readonly enqueued_seq: number;
  /** Every ledger seq up to this one of the current timeline is delivered. */
  readonly delivered_seq: number;
  /** Lifecycle notices queued so far. */
  readonly notified: number;
}

export interface NewDelivery {
  readonly id: string;
  readonly stream: DeliveryStream;
  readonly from: number;
  readonly to: number;
  readonly eventCount: number;
  readonly body: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  INSERT OR IGNORE INTO meta (key, value) VALUES ('timeline', 0);
  CREATE TABLE IF NOT EXISTS subscriptions (
    webhook_id TEXT PRIMARY KEY,
    enqueued_seq INTEGER NOT NULL,
    delivered_seq INTEGER NOT NULL,
    notified INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL,
    timeline INTEGER NOT NULL,
    stream TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER NOT NULL,
    event_count INTEGER NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
  CREATE INDEX IF NOT EXISTS deliveries_stream ON deliveries(webhook_id, stream, timeline, from_seq);
`;

/**
 * A webhook id that names what is delivered, so every attempt and every redelivery of it carries the same one:
 * `msg_<simulation>_<webhook>_<from>-<to>` for ledger seqs, `…_n<from>-<to>` for lifecycle notices, with `r<k>_`
 * before the range once the simulation was rewound k times (seqs after a rewind are new events).
 */
export function deliveryId(
  simId: string,
  webhookId: string,
  timeline: number,
  stream: DeliveryStream,
  from: number,
  to: number,
): string {
  const epoch = timeline === 0 ? '' : `r${timeline}_`;
  const kind = stream === 'notice' ? 'n' : '';
  return `msg_${simId}_${webhookId}_${epoch}${kind}${from}-${to}`;
}

/**
 * The webhook outbox of one simulation, a SQLite file of its own next to the simulation's ledger. The ledger file
 * is derived data (rebuilt from scenario, seed and interventions whenever the simulation is loaded); what the
 * outside world has been sent is not, so it lives apart from it, survives restarts and reloads with the
 * simulation's other files, and goes when the simulation is deleted. Each write is one transaction, in WAL mode:
 * a crash keeps every committed one.
 */
export class WebhookOutbox {
  private readonly db: Database.Database;
  private timelineValue: number;

  constructor(
    readonly simId: string,
    path: string,
  ) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.timelineValue = (
      this.db.prepare("SELECT value FROM meta WHERE key = 'timeline'").get() as { value: number }
    ).value;
  }

  /** How many times the simulation was rewound while webhooks listened. */
  get timeline(): number {
    return this.timelineValue;
  }

  close(): void {
    this.db.close();
  }

  subscription(webhookId: string): Subscription | null {
    return (
      (this.db.prepare('SELECT * FROM subscriptions WHERE webhook_id = ?').get(webhookId) as
        Subscription | undefined) ?? null
    );
  }

  subscriptions(): Subscription[] {
    return this.db.prepare('SELECT * FROM subscriptions ORDER BY webhook_id').all() as Subscription[];
  }

  /**
   * Queues deliveries and moves the webhook's marks in one transaction: after a crash either both are there or
   * neither is (and re-execution regenerates the events above the mark).
   */
  enqueue(
    webhookId: string,
    marks: { readonly enqueuedSeq: number; readonly notified: number },
    deliveries: readonly NewDelivery[],
    dueAt: number,
    createdAt: string,
  ): void {
    this.db.transaction(() => {
      const insert = this.db.prepare(
        `INSERT OR IGNORE INTO deliveries (id, webhook_id, timeline, stream, from_seq, to_seq, event_count, body, status,
           attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
      );
      for (const item of deliveries) {
        insert.run(
          item.id,
          webhookId,
          this.timelineValue,
          item.stream,
          item.from,
          item.to,
          item.eventCount,
          item.body,
          dueAt,
          createdAt,
          createdAt,
        );
      }
      this.db
        .prepare(
          `INSERT INTO subscriptions (webhook_id, enqueued_seq, delivered_seq, notified) VALUES (@id, @seq, 0, @notified)
           ON CONFLICT(webhook_id) DO UPDATE SET enqueued_seq = MAX(enqueued_seq, @seq), notified = MAX(notified, @notified)`,
        )
        .run({ id: webhookId, seq: marks.enqueuedSeq, notified: marks.notified });
      this.updateDelivered(webhookId);
    })();
  }

  /** Deliveries due at `now` (oldest first), leaving out those already on the wire. */
  due(now: number, limit: number, busy: ReadonlySet<string>): OutboxDelivery[] {
    const rows = this.db
      .prepare(
        'SELECT * FROM deliveries WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, rowid LIMIT ?',
      )
      .all(now, limit + busy.size) as OutboxDelivery[];
    return rows.filter((row) => !busy.has(row.id)).slice(0, limit);
  }

  /** When the next delivery falls due, or null when none waits. */
  nextDue(busy: ReadonlySet<string>): number | null {
    const rows = this.db
      .prepare(
        'SELECT id, next_attempt_at FROM deliveries WHERE next_attempt_at IS NOT NULL ORDER BY next_attempt_at LIMIT ?',
      )
      .all(busy.size + 1) as { id: string; next_attempt_at: number }[];
    return rows.find((row) => !busy.has(row.id))?.next_attempt_at ?? null;
  }

  delivery(id: string): OutboxDelivery | null {
    return (this.db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as OutboxDelivery | undefined) ?? null;
  }

  /** Writes the outcome of an attempt. */
  record(
    id: string,
    outcome: {
      readonly status: OutboxStatus;
      readonly attempts: number;
      readonly nextAttemptAt: number | null;
      readonly statusCode: number | null;
      readonly error: string | null;
      readonly updatedAt: string;
    },
  ): OutboxDelivery | null {
    return this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?,
             updated_at = ? WHERE id = ?`,
        )
        .run(
          outcome.status,
          outcome.attempts,
          outcome.nextAttemptAt,
          outcome.statusCode,
          outcome.error,
          outcome.updatedAt,
          id,
        );
      const row = this.delivery(id);
      if (row !== null && outcome.status === 'delivered') this.updateDelivered(row.webhook_id);
      return row;
    })();
  }

  /** Queues deliveries again, with their ids and bodies, for an attempt at `dueAt` and a fresh schedule. */
  redeliver(ids: readonly string[], dueAt: number, updatedAt: string): OutboxDelivery[] {
    return this.db.transaction(() => {
      const update = this.db.prepare(
        `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
      );
      const rows: OutboxDelivery[] = [];
      for (const id of ids) {
        update.run(dueAt, updatedAt, id);
        const row = this.delivery(id);
        if (row !== null) {
          rows.push(row);
          this.updateDelivered(row.webhook_id);
        }
      }
      return rows;
    })();
  }

  /**
   * The simulation went back to ledger seq `seq`: what follows is a new timeline, whose seqs are new events
   * (queued deliveries of the old one still go out, under their own ids).
   */
  rewind(seq: number): void {
    this.db.transaction(() => {
      this.timelineValue += 1;
      this.db.prepare("UPDATE meta SET value = ? WHERE key = 'timeline'").run(this.timelineValue);
      this.db
        .prepare(
          'UPDATE subscriptions SET enqueued_seq = MIN(enqueued_seq, @seq), delivered_seq = MIN(delivered_seq, @seq)',
        )
        .run({ seq });
    })();
  }

  /** Forgets a removed webhook. */
  drop(webhookId: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM deliveries WHERE webhook_id = ?').run(webhookId);
      this.db.prepare('DELETE FROM subscriptions WHERE webhook_id = ?').run(webhookId);
    })();
  }

  /** Ledger seqs of this timeline are delivered up to the first range not yet delivered. */
  private updateDelivered(webhookId: string): void {
    const open = this.db
      .prepare(
        `SELECT MIN(from_seq) AS first FROM deliveries
         WHERE webhook_id = ? AND stream = 'ledger' AND timeline = ? AND status != 'delivered'`,
      )
      .get(webhookId, this.timelineValue) as { first: number | null };
    this.db
      .prepare(
        `UPDATE subscriptions SET delivered_seq = CASE WHEN ? IS NULL THEN enqueued_seq ELSE ? - 1 END
         WHERE webhook_id = ?`,
      )
      .run(open.first, open.first, webhookId);
  }
}
