/** Why a telemetry message was refused; each reason has its own counter. */
export type RefusalReason =
  | 'too_large'
  | 'not_json'
  | 'not_object'
  | 'bad_timestamp'
  | 'bad_field'
  | 'bad_topic'
  /** Well-formed, but the twin's validation refused it (an unknown asset, a field outside its schema). */
  | 'refused_by_twin';

/** One accepted measurement: the asset's fields as the device reported them, with the device's timestamp. */
export interface Measurement {
  readonly assetId: string;
  /** Milliseconds since the epoch, as stamped by the sender. */
  readonly ts: number;
  readonly state: Readonly<Record<string, number | boolean | string>>;
}

export type Decoded =
  | { readonly ok: true; readonly measurement: Measurement }
  | { readonly ok: false; readonly reason: RefusalReason; readonly detail: string };

/** Bounds on what a telemetry message may carry: checked before anything reaches the twin. */
export const TELEMETRY_LIMITS = { bytes: 16_384, fields: 64, stringLength: 256 } as const;

const ASSET_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Decodes `<prefix>/telemetry/<assetId>` with payload `{"ts": <ms since epoch>, "state": {"field": value, …}}`:
 * flat state, numbers finite, strings short, at most 64 fields and 16 KiB. Anything else is refused with a reason.
 */
export function decodeTelemetry(prefix: string, topic: string, payload: Uint8Array): Decoded {
  const refuse = (reason: RefusalReason, detail: string): Decoded => ({ ok: false, reason, detail });
  const head = `${prefix}/telemetry/`;
  const assetId = topic.startsWith(head) ? topic.slice(head.length) : '';
  if (!ASSET_ID.test(assetId)) return refuse('bad_topic', `topic ${JSON.stringify(topic.slice(0, 200))}`);
  if (payload.byteLength > TELEMETRY_LIMITS.bytes) {
    return refuse('too_large', `${payload.byteLength} bytes, at most ${TELEMETRY_LIMITS.bytes}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return refuse('not_json', 'the payload is not UTF-8 JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return refuse('not_object', 'expected an object');
  const { ts, state } = body as { ts?: unknown; state?: unknown };
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts <= 0) {
    return refuse('bad_timestamp', 'expected "ts": milliseconds since the epoch');
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    return refuse('not_object', 'expected "state": an object of fields');
  }
  const entries = Object.entries(state);
  if (entries.length > TELEMETRY_LIMITS.fields) return refuse('bad_field', `${entries.length} fields, at most 64`);
  const fields: Record<string, number | boolean | string> = {};
  for (const [name, value] of entries) {
    if (!FIELD.test(name)) return refuse('bad_field', `field name ${JSON.stringify(name.slice(0, 80))}`);
    const fine =
      (typeof value === 'number' && Number.isFinite(value)) ||
      typeof value === 'boolean' ||
      (typeof value === 'string' && value.length <= TELEMETRY_LIMITS.stringLength);
    if (!fine) return refuse('bad_field', `state.${name}: expected a finite number, a boolean or a short string`);
    fields[name] = value as number | boolean | string;
  }
  return { ok: true, measurement: { assetId, ts, state: fields } };
}
