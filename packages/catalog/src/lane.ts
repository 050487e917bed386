import { DrizzleQueryError } from 'drizzle-orm';

/**
 * Runs tasks one after another, in the order they were submitted. The catalog puts every call through one lane, so
 * a transaction never interleaves with other statements and reads see every write submitted before them, on SQLite
 * and PostgreSQL alike.
 */
export class Lane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task).catch((error: unknown) => {
      throw driverError(error);
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * The driver's own error of a failed statement (Drizzle wraps it): its code (SQLITE_FULL, 23505…) is what callers
 * tell a full disk or a duplicate from a bug by.
 */
function driverError(error: unknown): unknown {
  return error instanceof DrizzleQueryError && error.cause !== undefined ? error.cause : error;
}
