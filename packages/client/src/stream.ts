import type { LedgerEvent, StreamMessage } from './types.js';

/** The part of a WebSocket the client uses: the browser's WebSocket and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}
export type WebSocketFactory = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface StreamOptions {
  /** Resume after this seq (0 = from the first record). Default: only records from now on. */
  readonly afterSeq?: number;
  /** Ledger records, each exactly once and in seq order, across reconnects. */
  readonly onEvents?: (events: readonly LedgerEvent[]) => void;
  /** Every message (notices included). */
  readonly onMessage?: (message: StreamMessage) => void;
  readonly onOpen?: () => void;
  readonly onClose?: (info: { code: number; reason: string; willReconnect: boolean }) => void;
  /** Reconnect after a dropped connection, resuming from the last seq (default true). */
  readonly reconnect?: boolean;
  readonly reconnectDelayMs?: number;
}

export interface StreamSubscription {
  /** Seq of the last ledger record delivered. */
  readonly lastSeq: number;
  /** Drops the current connection (it reconnects when reconnect is on): useful in tests. */
  drop(): void;
  close(): void;
}

/**
 * A resumable simulation stream: tracks the last seq, drops duplicates, reconnects with `afterSeq`, and follows
 * rewinds (records after the rewind point are replaced).
 */
export function openStream(
  WebSocketImpl: WebSocketFactory,
  url: (afterSeq: number | undefined) => string,
  protocols: string[],
  options: StreamOptions,
): StreamSubscription {
  let lastSeq: number | undefined = options.afterSeq;
  let socket: WebSocketLike | null = null;
  let closed = false;
  let attempts = 0;
  const reconnect = options.reconnect ?? true;

  const handle = (message: StreamMessage): void => {
    if (message.type === 'events') {
      const fresh =
        lastSeq === undefined ? message.events : message.events.filter((event) => event.seq > (lastSeq as number));
      if (fresh.length > 0) {
        lastSeq = fresh[fresh.length - 1].seq;
        options.onEvents?.(fresh);
      }
    } else if (message.type === 'rewind') {
      lastSeq = message.seq;
    } else if (message.type === 'hello' && lastSeq === undefined) {
      lastSeq = message.fromSeq - 1;
    }
    options.onMessage?.(message);
  };

  const connect = (): void => {
    const ws = new WebSocketImpl(url(lastSeq), protocols);
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
      options.onOpen?.();
    };
    ws.onmessage = (event) => {
      const text = typeof event.data === 'string' ? event.data : String(event.data);
      handle(JSON.parse(text) as StreamMessage);
    };
    ws.onerror = () => undefined;
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      const again = reconnect && !closed && event.code !== 1008;
      options.onClose?.({ code: event.code, reason: event.reason, willReconnect: again });
      if (again) {
        const delay = Math.min(5_000, (options.reconnectDelayMs ?? 200) * 2 ** attempts++);
        setTimeout(() => {
          if (!closed) connect();
        }, delay);
      }
    };
  };
  connect();

  return {
    get lastSeq() {
      return lastSeq ?? 0;
    },
    drop() {
      socket?.close(4000, 'dropped by client');
    },
    close() {
      closed = true;
      socket?.close(1000, 'closed by client');
    },
  };
}
