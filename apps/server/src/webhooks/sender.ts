import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { WebhookRow } from '@doppel/catalog';
import { signWebhook } from './signing.js';
import { guardedLookup, isPrivateAddress } from './ssrf.js';

export interface AttemptOutcome {
  /** HTTP status of the answer; null when none came. */
  readonly status: number | null;
  readonly error: string | null;
  /** The URL may not be reached at all (private address): retrying cannot help. */
  readonly refused: boolean;
}

export interface SendOptions {
  readonly allowHosts: readonly string[];
  readonly timeoutMs: number;
}

export const isSuccess = (outcome: AttemptOutcome): boolean =>
  outcome.status !== null && outcome.status >= 200 && outcome.status < 300;

/**
 * One attempt of a delivery: POST of the body with Standard Webhooks headers (`webhook-id`, `webhook-timestamp`
 * of this attempt, `webhook-signature` over both and the body). Redirects are not followed (a 3xx is a failure)
 * and the connection only reaches a private address when allow-listed: the address checked is the one connected.
 */
export function sendWebhook(
  webhook: WebhookRow,
  id: string,
  body: string,
  timestampS: number,
  options: SendOptions,
): Promise<AttemptOutcome> {
  let url: URL;
  try {
    url = new URL(webhook.url);
  } catch {
    return Promise.resolve({ status: null, error: `${webhook.url} is not a valid URL`, refused: true });
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // Sockets skip the lookup for IP literals, so those are checked here.
  if (isIP(host) !== 0 && isPrivateAddress(host) && !options.allowHosts.includes(host)) {
    return Promise.resolve({ status: null, error: `${host} is a private or loopback address; refused`, refused: true });
  }
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        timeout: options.timeoutMs,
        lookup: guardedLookup(options.allowHosts, host),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Doppel-Webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(timestampS),
          'webhook-signature': signWebhook(webhook.secret, id, timestampS, body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? null, error: null, refused: false }));
        response.on('error', (error) => resolve({ status: null, error: error.message, refused: false }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)));
    req.on('error', (error: Error & { code?: string }) =>
      resolve({ status: null, error: error.message, refused: error.code === 'DOPPEL_ERR_WEBHOOK_URL_REFUSED' }),
    );
    req.end(body);
  });
}
