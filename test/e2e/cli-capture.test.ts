import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doppel, tempDir } from './cli-helpers.js';

const records = {
  ResourceRecordSets: [
    { Name: 'example.com.', Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] },
    {
      Name: 'api.example.com.',
      Type: 'A',
      SetIdentifier: 'lb-1',
      Weight: 70,
      TTL: 60,
      ResourceRecords: [{ Value: '10.0.0.1' }],
    },
    {
      Name: 'api.example.com.',
      Type: 'A',
      SetIdentifier: 'lb-2',
      Weight: 30,
      TTL: 60,
      ResourceRecords: [{ Value: '10.0.0.2' }],
    },
  ],
};

describe('doppel capture (the built command)', () => {
  it('writes a content-addressed snapshot of a route53 export and prints its path, SHA-256 and rows', () => {
    const dir = tempDir('capture');
    writeFileSync(join(dir, 'records.json'), JSON.stringify(records, null, 4));
    const result = doppel([
      'capture',
      'route53',
      '--from-file',
      join(dir, 'records.json'),
      '--out',
      join(dir, 'captures'),
    ]);
    expect(result.status, result.stderr).toBe(0);
    const [path, hash, rows] = result.stdout.trim().split(' ');
    expect(rows).toBe('rows=3');
    const text = readFileSync(path, 'utf8');
    const sha = createHash('sha256').update(text).digest('hex');
    expect(hash).toBe(`sha256=${sha}`);
    expect(path).toBe(join(dir, 'captures', `route53-${sha.slice(0, 16)}.jsonl`));
    expect(text.trim().split('\n')).toHaveLength(3);
    // The same export gives the same file.
    const again = doppel([
      'capture',
      'route53',
      '--from-file',
      join(dir, 'records.json'),
      '--out',
      join(dir, 'captures'),
    ]);
    expect(again.stdout).toBe(result.stdout);
  });

  it('captures a dynamodb scan', () => {
    const dir = tempDir('capture');
    const scan = {
      Items: [{ generation: { N: '7' }, plan: { M: { lbs: { NS: ['1', '2'] } } } }],
      Count: 1,
      ScannedCount: 1,
    };
    writeFileSync(join(dir, 'scan.json'), JSON.stringify(scan));
    const result = doppel(['capture', 'dynamodb', '--from-file', join(dir, 'scan.json'), '--out', dir]);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(result.stdout.split(' ')[0], 'utf8')).toBe('{"generation":7,"plan":{"lbs":[1,2]}}\n');
  });

  it('a malformed export exits 2 naming the file and each JSON path, without a stack trace', () => {
    const dir = tempDir('capture');
    const bad = structuredClone(records) as { ResourceRecordSets: Record<string, unknown>[] };
    bad.ResourceRecordSets[1].Weight = 'heavy';
    writeFileSync(join(dir, 'records.json'), JSON.stringify(bad));
    const result = doppel(['capture', 'route53', '--from-file', join(dir, 'records.json'), '--out', dir]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${join(dir, 'records.json')}: not a valid export`);
    expect(result.stderr).toContain('$.ResourceRecordSets[1].Weight');
    expect(result.stderr).toContain('DOPPEL_ERR_CAPTURE_INVALID');
    expect(result.stderr).not.toMatch(/\n\s+at /);

    writeFileSync(join(dir, 'broken.json'), '{\n  "Items": [\n    {"a": {"S": "x"}},\n  ]\n}');
    const syntax = doppel(['capture', 'dynamodb', '--from-file', join(dir, 'broken.json'), '--out', dir]);
    expect(syntax.status).toBe(2);
    expect(syntax.stderr).toContain(`${join(dir, 'broken.json')}:4:3`);

    writeFileSync(join(dir, 'binary.json'), Buffer.from([0, 159, 146, 150, 255]));
    expect(doppel(['capture', 'dynamodb', '--from-file', join(dir, 'binary.json'), '--out', dir]).status).toBe(2);
  });

  it('without --from-file, or with a missing file, exits 2 with the reason', () => {
    const none = doppel(['capture', 'route53']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--from-file');
    const missing = doppel(['capture', 'dynamodb', '--from-file', '/nonexistent/scan.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/scan.json');
  });
});
