import type { JsonObject } from '@doppel/twin';

/**
 * A capture snapshot's text: JSON Lines, one row per line, in the order of the export. The file is named after the
 * SHA-256 of this text (content-addressed), so a scenario that references it pins exactly this state.
 */
export function snapshotText(rows: readonly JsonObject[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length > 0 ? '\n' : '');
}

/** The file name of a snapshot: `<kind>-<first 16 hex digits of its SHA-256>.jsonl`. */
export function snapshotFileName(kind: 'route53' | 'dynamodb', sha256Hex: string): string {
  return `${kind}-${sha256Hex.slice(0, 16)}.jsonl`;
}
