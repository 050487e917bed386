import { describe, expect, it } from 'vitest';
import { CaptureError, parseDynamoDbScan, parseRoute53Export, planTableScan, route53Export } from '../src/index.js';

function issuesOf(fn: () => unknown): { path: string; message: string; expected?: string; found?: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as CaptureError).code).toBe('DOPPEL_ERR_CAPTURE_INVALID');
    return [...(error as CaptureError).issues];
  }
  throw new Error('expected a CaptureError');
}

const awsRecords = {
  ResourceRecordSets: [
    { Name: 'example.com.', Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] },
    {
      Name: 'dynamodb.us-east-1.example.com.',
      Type: 'A',
      SetIdentifier: 'lb-a',
      Weight: 40,
      TTL: 5,
      ResourceRecords: [{ Value: '3.218.182.10' }],
    },
    {
      Name: 'dynamodb.us-east-1.example.com.',
      Type: 'A',
      SetIdentifier: 'lb-b',
      Weight: 60,
      AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'lb-b.elb.amazonaws.com.', EvaluateTargetHealth: true },
    },
  ],
  IsTruncated: false,
  MaxItems: '300',
};

describe('route53 list-resource-record-sets capture', () => {
  it('reads the AWS CLI shape: plain, weighted and alias record sets', () => {
    const rows = parseRoute53Export(JSON.stringify(awsRecords, null, 4), 'records.json');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual({
      name: 'dynamodb.us-east-1.example.com.',
      type: 'A',
      ttl: 5,
      set_identifier: 'lb-a',
      weight: 40,
      values: ['3.218.182.10'],
      alias_target: null,
    });
    expect(rows[2].alias_target).toEqual({
      hosted_zone_id: 'Z35SXDOTRQ7X7K',
      dns_name: 'lb-b.elb.amazonaws.com.',
      evaluate_target_health: true,
    });
    expect(
      parseRoute53Export(JSON.stringify(route53Export({ endpoints: 5, loadBalancers: 3, seed: 1 })), 'g'),
    ).toHaveLength(17);
  });

  it('names every problem at its JSON path', () => {
    const bad = structuredClone(awsRecords) as { ResourceRecordSets: Record<string, unknown>[] };
    bad.ResourceRecordSets[1].Weight = 300;
    delete bad.ResourceRecordSets[0].Name;
    bad.ResourceRecordSets[2].Type = 'AA';
    bad.ResourceRecordSets.push({ Name: 'x.', Type: 'A', Weight: 1, TTL: 60, ResourceRecords: [{ Value: '1.2.3.4' }] });
    const issues = issuesOf(() => parseRoute53Export(JSON.stringify(bad), 'records.json'));
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('$.ResourceRecordSets[1].Weight');
    expect(paths).toContain('$.ResourceRecordSets[0].Name');
    expect(paths).toContain('$.ResourceRecordSets[2].Type');
    expect(paths).toContain('$.ResourceRecordSets[3].SetIdentifier');
    expect(issues.find((i) => i.path === '$.ResourceRecordSets[0].Name')?.message).toBe('required field is missing');
    expect(issues.find((i) => i.path === '$.ResourceRecordSets[1].Weight')?.found).toBe('300');
  });

  it('rejects what is not the shape: another command, invalid JSON (with its line), a list', () => {
    expect(issuesOf(() => parseRoute53Export('{"HostedZones": []}', 'f'))[0].path).toBe('$.ResourceRecordSets');
    expect(() => parseRoute53Export('{\n  "ResourceRecordSets": [\n  }', 'f.json')).toThrow(/f\.json:3:\d+/);
    expect(issuesOf(() => parseRoute53Export('[]', 'f'))[0].path).toBe('$');
  });
});

describe('dynamodb scan capture', () => {
  it('reads typed attribute values of every kind as plain JSON', () => {
    const scan = {
      Items: [
        {
          s: { S: 'text' },
          n: { N: '41.5' },
          b: { B: 'aGVsbG8=' },
          t: { BOOL: true },
          z: { NULL: true },
          m: { M: { inner: { N: '-2' }, l: { L: [{ S: 'a' }, { N: '1' }] } } },
          ss: { SS: ['x', 'y'] },
          ns: { NS: ['1', '2.5'] },
          bs: { BS: ['AAE='] },
        },
      ],
      Count: 1,
      ScannedCount: 3,
      ConsumedCapacity: null,
    };
    expect(parseDynamoDbScan(JSON.stringify(scan), 'scan.json')).toEqual([
      {
        s: 'text',
        n: 41.5,
        b: 'aGVsbG8=',
        t: true,
        z: null,
        m: { inner: -2, l: ['a', 1] },
        ss: ['x', 'y'],
        ns: [1, 2.5],
        bs: ['AAE='],
      },
    ]);
    expect(parseDynamoDbScan(JSON.stringify(planTableScan(10, 3, '2025-10-19T00:00:00Z', 30)), 's')).toHaveLength(3);
  });

  it('names every malformed attribute value, count and item at its JSON path', () => {
    const scan = {
      Items: [
        { generation: { N: 'forty' }, two: { S: 'a', N: '1' }, m: { M: { deep: { L: [{ X: '1' }] } } } },
        'not an item',
        { ns: { NS: ['1', 'x'] }, nul: { NULL: false } },
      ],
      Count: 2,
      ScannedCount: 1,
    };
    const issues = issuesOf(() => parseDynamoDbScan(JSON.stringify(scan), 'scan.json'));
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual([
      '$.Items[0].generation.N',
      '$.Items[0].two',
      '$.Items[0].m.M.deep.L[0]',
      '$.Items[1]',
      '$.Items[2].ns.NS[1]',
      '$.Items[2].nul.NULL',
      '$.Count',
      '$.ScannedCount',
    ]);
    expect(issuesOf(() => parseDynamoDbScan('{"Count": 0}', 's'))[0].path).toBe('$.Items');
  });

  it('refuses nesting deeper than DynamoDB allows instead of recursing without end', () => {
    let value: unknown = { S: 'leaf' };
    for (let i = 0; i < 40; i += 1) value = { L: [value] };
    const issues = issuesOf(() => parseDynamoDbScan(JSON.stringify({ Items: [{ a: value }] }), 's'));
    expect(issues[0].message).toMatch(/nested deeper than 32/);
  });
});

describe('JSON syntax errors are located', () => {
  it('finds the first offending character, also deep inside big or deeply nested text', async () => {
    const { jsonErrorOffset } = await import('../src/capture/json-syntax.js');
    for (const valid of ['{}', '[]', '{"a":[1,2,{"b":null}],"c":"x\\"y"}', ' 1 ', '[[[]]]', '{"a":{"b":{}}}'])
      expect(jsonErrorOffset(valid), valid).toBe(-1);
    expect(jsonErrorOffset('{\n "a": [\n }')).toBe(11);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('[1,]')).toBe(3);
    expect(jsonErrorOffset('{"a":1,}')).toBe(7);
    expect(jsonErrorOffset('[1] x')).toBe(4);
    expect(jsonErrorOffset('['.repeat(100_000))).toBe(100_000);
    expect(jsonErrorOffset('\u0000\u0001binary')).toBe(0);
  });
});

describe('JSON syntax locator agrees with JSON.parse (property)', () => {
  it('reports -1 exactly when JSON.parse accepts, for JSON values and damaged JSON texts', async () => {
    const fc = await import('fast-check');
    const { jsonErrorOffset } = await import('../src/capture/json-syntax.js');
    const accepts = (text: string) => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.nat(),
        fc.constantFrom('', '}', ']', ',', ':', '"', 'x', ' '),
        (value, at, insert) => {
          const text = JSON.stringify(value, null, at % 3);
          expect(jsonErrorOffset(text)).toBe(-1);
          const cut = at % (text.length + 1);
          const damaged = text.slice(0, cut) + insert + text.slice(cut + (at % 2));
          expect(jsonErrorOffset(damaged) === -1).toBe(accepts(damaged));
        },
      ),
      { numRuns: 500, seed: 3 },
    );
  });
});
