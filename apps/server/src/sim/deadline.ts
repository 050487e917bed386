import { ServerError, ServerErrorCode } from '../errors.js';

/**
 * The answer to a request that waited longer than the request timeout for a simulation's worker (busy with a long
 * run, or still re-executing its history): 503 with a Retry-After, while the worker goes on with what it was doing.
 */
export function busyError(simId: string, timeoutMs: number): ServerError {
  return new ServerError(
    ServerErrorCode.Timeout,
    `Simulation ${simId} did not answer within ${timeoutMs} ms (it is busy): retry later`,
    { headers: { 'retry-after': String(Math.max(1, Math.ceil(timeoutMs / 1000))) } },
  );
}

/** `work`, or busyError once `timeoutMs` passed; the work itself is not cancelled. */
export async function withinDeadline<T>(work: Promise<T>, simId: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(busyError(simId, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } catch (error) {
    // The worker's own timeout (a request it did not answer in time) gets the same answer.
    if (error instanceof ServerError && error.code === ServerErrorCode.Timeout) throw busyError(simId, timeoutMs);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
