import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CaptureError,
  parseDynamoDbScan,
  parseRoute53Export,
  snapshotFileName,
  snapshotText,
} from '@doppel/pack-controlplane';
import type { JsonObject } from '@doppel/twin';
import type { Command } from 'commander';
import { UserError } from '../user-error.js';

/** Exports larger than this are refused before they are read (a 1,000-endpoint zone is about 1 MB). */
const MAX_EXPORT_BYTES = 256 * 1024 * 1024;

interface CaptureOptions {
  fromFile?: string;
  out: string;
}

type Kind = 'route53' | 'dynamodb';

/**
 * Reads an AWS CLI export and writes its content-addressed capture snapshot (JSON Lines, named after its SHA-256)
 * into `out`. Returns the line to print: the path, the full hash and the row count.
 */
export function capture(kind: Kind, options: CaptureOptions): string {
  const file = options.fromFile;
  if (file === undefined) {
    throw new UserError(
      `doppel capture ${kind}: give --from-file FILE (the JSON printed by ${
        kind === 'route53' ? 'aws route53 list-resource-record-sets' : 'aws dynamodb scan'
      }); a live capture needs the AWS SDK, which this build does not include`,
    );
  }
  const size = statSync(file).size;
  if (size > MAX_EXPORT_BYTES) {
    throw new UserError(`${file}: ${size} bytes is larger than the ${MAX_EXPORT_BYTES}-byte limit of an export`);
  }
  const text = readFileSync(file, 'utf8');
  let rows: JsonObject[];
  try {
    rows =
      kind === 'route53' ? (parseRoute53Export(text, file) as unknown as JsonObject[]) : parseDynamoDbScan(text, file);
  } catch (error) {
    if (error instanceof CaptureError) throw new UserError(`${error.message}\n[${error.code}]`);
    throw error;
  }
  const snapshot = snapshotText(rows);
  const sha256 = createHash('sha256').update(snapshot).digest('hex');
  mkdirSync(options.out, { recursive: true });
  const path = join(options.out, snapshotFileName(kind, sha256));
  writeFileSync(path, snapshot);
  return `${path} sha256=${sha256} rows=${rows.length}\n`;
}

/** Registers `doppel capture route53|dynamodb`. */
export function register(program: Command): void {
  const command = program
    .command('capture')
    .description('Turn an AWS CLI export into a content-addressed capture snapshot a scenario references as input');
  for (const [kind, what] of [
    ['route53', 'the JSON of `aws route53 list-resource-record-sets` (ResourceRecordSets)'],
    ['dynamodb', 'the JSON of `aws dynamodb scan` (Items of typed attribute values, Count, ScannedCount)'],
  ] as const) {
    command
      .command(kind)
      .description(`Capture ${what}; prints the snapshot path, its SHA-256 and its row count`)
      .option('--from-file <file>', 'the export to read')
      .option('--out <dir>', 'directory the snapshot is written to', 'captures')
      .action((options: CaptureOptions) => {
        process.stdout.write(capture(kind, options));
      });
  }
}
