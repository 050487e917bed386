import { ledgerEventJson } from '@doppel/twin';
import type { StreamMessage } from '@doppel/twin/contracts';
import type { WebSocket } from 'ws';
import type { ServerMetrics } from '../metrics.js';
import type { SimulationManager } from '../sim/manager.js';
import type { WorkerMessage } from '../sim/protocol.js';

/** Ledger records per catch-up page read from the store. */
const PAGE = 2000;
/** Full pages kept per simulation for clients catching up together. */
const MAX_CACHED_PAGES = 32;
const OPEN = 1;

/** A page of the stored ledger: records `firstSeq`, `firstSeq + 1`, ... in their wire form. */
interface Page {
  readonly firstSeq: number;
  /** Each record's wire form, spliced from the canonical text the store keeps (`ledgerEventJson`). */
  readonly events: readonly string[];
  /** The whole page as one `events` frame, made on first use and shared by every client that needs all of it. */
  frame(): Buffer;
}

interface Connection {
  readonly socket: WebSocket;
  readonly simId: string;
  /** Seq of the next ledger record this client must receive. */
  nextSeq: number;
  mode: 'live' | 'catchup';
  /** Bumped by a rewind: a catch-up page read before it is stale. */
  generation: number;
}

/**
 * Fans ledger events out to WebSocket clients. A client that keeps up gets each batch as it is committed (one
 * serialisation shared by every client); a client that falls behind (its unsent buffer over the threshold) or
 * reconnects with its last seq is served from the store, page by page, until it is level with the head again.
 * Every client sees every record exactly once, in seq order, and no client can slow the simulation down.
 */
export class StreamHub {
  private readonly bySim = new Map<string, Set<Connection>>();
  private readonly heads = new Map<string, number>();
  private readonly pages = new Map<string, Map<number, Promise<Page>>>();

  constructor(
    private readonly manager: SimulationManager,
    private readonly metrics: ServerMetrics,
    private readonly maxBufferedBytes: number,
  ) {
    manager.listen((simId, message) => this.dispatch(simId, message));
  }

  clients(simId: string): number {
    return this.bySim.get(simId)?.size ?? 0;
  }

  /** Attaches a client; it first receives every record after `afterSeq` (default: only new records). */
  async attach(socket: WebSocket, simId: string, afterSeq: number | undefined): Promise<void> {
    const info = await this.manager.simulation(simId).flush();
    this.bump(simId, info.headSeq);
    const fromSeq = (afterSeq ?? info.headSeq) + 1;
    const connection: Connection = { socket, simId, nextSeq: fromSeq, mode: 'catchup', generation: 0 };
    let set = this.bySim.get(simId);
    if (set === undefined) this.bySim.set(simId, (set = new Set()));
    set.add(connection);
    this.metrics.wsClients.inc();
    socket.on('close', () => {
      set.delete(connection);
      this.metrics.wsClients.dec();
    });
    this.send(connection, JSON.stringify({ type: 'hello', simId, headSeq: this.head(simId), fromSeq }));
    void this.pump(connection);
  }

  /** Closes every client (server shutdown). */
  closeAll(): void {
    for (const set of this.bySim.values())
      for (const connection of set) connection.socket.close(1001, 'server shutting down');
  }

  private head(simId: string): number {
    return this.heads.get(simId) ?? 0;
  }

  private bump(simId: string, seq: number): void {
    if (seq > this.head(simId)) this.heads.set(simId, seq);
  }

  private dispatch(simId: string, message: WorkerMessage): void {
    if (message.type === 'ledger') {
      this.metrics.ledgerEvents.inc(message.texts.length);
      this.bump(simId, message.firstSeq + message.texts.length - 1);
    }
    if (message.type === 'rewind') {
      this.heads.set(simId, message.seq);
      this.pages.delete(simId);
    }
    const set = this.bySim.get(simId);
    if (set === undefined || set.size === 0) return;
    switch (message.type) {
      case 'ledger':
        this.fanOut(set, message.firstSeq, message.texts);
        return;
      case 'rewind': {
        const text = JSON.stringify({ type: 'rewind', t: message.t, seq: message.seq });
        for (const connection of set) {
          connection.generation++;
          connection.nextSeq = Math.min(connection.nextSeq, message.seq + 1);
          this.send(connection, text);
        }
        return;
      }
      case 'telemetry':
        this.broadcast(set, { type: 'kpis', seq: message.seq, row: message.row });
        return;
      case 'status':
      case 'failed': {
        const info = message.info;
        const status = message.type === 'failed' ? 'failed' : info.status;
        this.broadcast(set, {
          type: 'status',
          status,
          simTime: info.now,
          headSeq: info.headSeq,
          playing: info.playing,
          error: message.type === 'failed' ? message.error.message : info.error,
        });
        return;
      }
      case 'intervention':
        this.broadcast(set, { type: 'intervention', record: message.record });
        return;
      default:
        return;
    }
  }

  /**
   * Sends a batch to every live client. Each record goes out as the canonical text the ledger writer made, spliced
   * into its wire form once per batch (`ledgerEventJson`): nothing is parsed or serialised again here.
   */
  private fanOut(set: ReadonlySet<Connection>, first: number, texts: readonly string[]): void {
    if (texts.length === 0) return;
    const last = first + texts.length - 1;
    let events: string[] | null = null;
    let shared: Buffer | null = null;
    for (const connection of set) {
      if (connection.mode !== 'live') continue;
      if (connection.nextSeq > last) continue;
      if (connection.nextSeq < first) {
        // It missed records before this batch: the store has them.
        this.startCatchUp(connection, 'missed records');
        continue;
      }
      if (connection.socket.bufferedAmount > this.maxBufferedBytes) {
        this.startCatchUp(connection, 'slow client');
        continue;
      }
      events ??= texts.map(ledgerEventJson);
      if (connection.nextSeq === first) {
        // One frame (and one UTF-8 encoding) per batch, shared by every client that keeps up.
        shared ??= Buffer.from(eventsFrame(events));
        this.send(connection, shared);
      } else {
        this.send(connection, eventsFrame(events.slice(connection.nextSeq - first)));
      }
      connection.nextSeq = last + 1;
    }
  }

  private startCatchUp(connection: Connection, reason: string): void {
    connection.mode = 'catchup';
    this.metrics.wsGaps.inc();
    this.send(connection, JSON.stringify({ type: 'gap', fromSeq: connection.nextSeq, reason }));
    void this.pump(connection);
  }

  /** Serves a client from the store until it is level with the head, then hands it back to live fan-out. */
  private async pump(connection: Connection): Promise<void> {
    const { socket, simId } = connection;
    try {
      for (;;) {
        if (socket.readyState !== OPEN) return;
        if (socket.bufferedAmount > this.maxBufferedBytes / 2) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        const generation = connection.generation;
        const index = Math.floor((connection.nextSeq - 1) / PAGE);
        const page = await this.page(simId, index);
        if (connection.generation !== generation) continue;
        const skip = Math.max(0, connection.nextSeq - page.firstSeq);
        if (skip < page.events.length) {
          this.send(connection, skip === 0 ? page.frame() : eventsFrame(page.events.slice(skip)));
          connection.nextSeq = page.firstSeq + page.events.length;
        }
        if (page.events.length < PAGE && connection.nextSeq > this.head(simId)) {
          connection.mode = 'live';
          return;
        }
      }
    } catch {
      // The simulation failed or was deleted: its status notice tells the client; the stream ends here.
      if (socket.readyState === OPEN) socket.close(1011, 'simulation unavailable');
    }
  }

  /**
   * Store page `index` (seq index*PAGE+1 .. (index+1)*PAGE). Full pages never change until a rewind, so clients
   * catching up together share one read and one frame. The store's canonical texts are spliced into the wire form,
   * never decoded and serialised again.
   */
  private page(simId: string, index: number): Promise<Page> {
    let cache = this.pages.get(simId);
    if (cache === undefined) this.pages.set(simId, (cache = new Map()));
    const cached = cache.get(index);
    if (cached !== undefined) return cached;
    const pages = cache;
    const loading = this.manager
      .simulation(simId)
      .ledger({ afterSeq: index * PAGE, limit: PAGE, order: 'asc' })
      .then((texts): Page => {
        const events = texts.map(ledgerEventJson);
        let frame: Buffer | null = null;
        return { firstSeq: index * PAGE + 1, events, frame: () => (frame ??= Buffer.from(eventsFrame(events))) };
      });
    pages.set(index, loading);
    loading.then(
      (page) => {
        if (page.events.length < PAGE) pages.delete(index);
      },
      () => pages.delete(index),
    );
    while (pages.size > MAX_CACHED_PAGES) pages.delete(pages.keys().next().value as number);
    return loading;
  }

  private broadcast(set: ReadonlySet<Connection>, message: StreamMessage): void {
    const text = JSON.stringify(message);
    for (const connection of set) this.send(connection, text);
  }

  private send(connection: Connection, text: string | Buffer): void {
    if (connection.socket.readyState === OPEN) connection.socket.send(text, { binary: false });
  }
}

/** An `events` stream message from records already in their wire form (JSON texts). */
function eventsFrame(events: readonly string[]): string {
  return `{"type":"events","events":[${events.join(',')}]}`;
}
