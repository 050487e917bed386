import type pg from 'pg';

/** One `COPY … FROM STDIN` of a pipelined query: the statement and the text-format rows it reads. */
export interface CopyStatement {
  readonly sql: string;
  /**
   * COPY text format, already escaped, each chunk whole lines. Produced while the message is written, so the server
   * starts reading the first rows while the last are still being encoded.
   */
  readonly chunks: Iterable<string>;
}

/** CopyData ('d') and CopyDone ('c') frames of the PostgreSQL wire protocol. */
const COPY_DATA = 0x64;
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);

/**
 * Runs several `COPY … FROM STDIN` statements as one simple-protocol Query message, written to the socket together
 * with all their rows: one round trip, whatever the number of statements and rows.
 *
 * Why it is safe: the server runs the statements of one Query message as one implicit transaction, so they are all
 * committed or none is. The client need not wait for each CopyInResponse before sending rows: the server reads the
 * rows of each COPY in order from the same stream, and if a statement fails it discards the rest of the message and
 * drops every CopyData/CopyDone that follows (protocol, "COPY Operations"), so nothing leaks into the next query.
 */
export function runCopyPipeline(client: pg.Client, statements: readonly CopyStatement[]): Promise<void> {
  return new Promise((resolve, reject) => {
    client.query(new CopyPipeline(statements, resolve, reject));
  });
}

class CopyPipeline implements pg.Submittable {
  constructor(
    private readonly statements: readonly CopyStatement[],
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {}

  submit(connection: pg.Connection): void {
    connection.query(this.statements.map((statement) => statement.sql).join('; '));
    const stream = connection.stream;
    for (const statement of this.statements) {
      for (const chunk of statement.chunks) {
        const body = Buffer.from(chunk, 'utf8');
        const header = Buffer.allocUnsafe(5);
        header[0] = COPY_DATA;
        header.writeUInt32BE(body.length + 4, 1);
        stream.write(header);
        stream.write(body);
      }
      stream.write(COPY_DONE);
    }
  }

  // pg calls these as the server answers; only the end (ReadyForQuery) or an error matters here.
  handleCopyInResponse(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleReadyForQuery(): void {
    this.resolve();
  }
  handleError(error: Error): void {
    this.reject(error);
  }
  /** pg replaces this with its query-timeout hook when one is configured. */
  callback(): void {}
}

/** Joins COPY text-format lines into chunks of about 64 KiB, so no single frame grows without bound. */
export function* copyChunks(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
