import { z } from 'zod';
import type { RecordRow } from '../config.js';
import { CaptureError, describeFound, jsonPath, parseJsonText, type CaptureIssue } from './errors.js';

const RECORD_TYPES = [
  'SOA',
  'A',
  'TXT',
  'NS',
  'CNAME',
  'MX',
  'NAPTR',
  'PTR',
  'SRV',
  'SPF',
  'AAAA',
  'CAA',
  'DS',
  'TLSA',
  'SSHFP',
  'SVCB',
  'HTTPS',
] as const;

// The shape `aws route53 list-resource-record-sets` prints (the API's ResourceRecordSet); fields the twin does not
// model (Region, Failover, GeoLocation, HealthCheckId, ...) are accepted and ignored.
const recordSetSchema = z
  .object({
    Name: z.string().min(1).max(1024),
    Type: z.enum(RECORD_TYPES),
    TTL: z.number().int().min(0).max(2_147_483_647).optional(),
    ResourceRecords: z
      .array(z.object({ Value: z.string().max(4000) }))
      .max(400)
      .optional(),
    AliasTarget: z
      .object({ HostedZoneId: z.string().min(1), DNSName: z.string().min(1), EvaluateTargetHealth: z.boolean() })
      .optional(),
    SetIdentifier: z.string().min(1).max(128).optional(),
    Weight: z.number().int().min(0).max(255).optional(),
  })
  .superRefine((set, ctx) => {
    if (set.Weight !== undefined && set.SetIdentifier === undefined)
      ctx.addIssue({ code: 'custom', path: ['SetIdentifier'], message: 'a weighted record set needs a SetIdentifier' });
    if (set.AliasTarget !== undefined && set.ResourceRecords !== undefined)
      ctx.addIssue({ code: 'custom', path: ['AliasTarget'], message: 'an alias record set has no ResourceRecords' });
    if (set.AliasTarget === undefined && set.ResourceRecords === undefined)
      ctx.addIssue({ code: 'custom', path: ['ResourceRecords'], message: 'needs ResourceRecords or an AliasTarget' });
    if (set.AliasTarget === undefined && set.TTL === undefined)
      ctx.addIssue({ code: 'custom', path: ['TTL'], message: 'a non-alias record set needs a TTL' });
  });

const exportSchema = z.object({
  ResourceRecordSets: z.array(recordSetSchema),
  IsTruncated: z.boolean().optional(),
  MaxItems: z.string().optional(),
});

/** Zod issues as located capture issues (JSON paths). */
export function zodIssues(error: z.ZodError, root: unknown): CaptureIssue[] {
  return error.issues.map((issue) => {
    const segments = issue.path.map((k) => (typeof k === 'number' ? k : String(k)));
    let found: unknown = root;
    for (const segment of segments) found = (found as Record<string | number, unknown> | undefined)?.[segment];
    const expected =
      issue.code === 'invalid_type'
        ? issue.expected
        : issue.code === 'invalid_value'
          ? `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
          : undefined;
    return {
      path: jsonPath(segments),
      message: issue.code === 'invalid_type' && found === undefined ? 'required field is missing' : issue.message,
      ...(expected !== undefined ? { expected } : {}),
      ...(found !== undefined ? { found: describeFound(found) } : {}),
    };
  });
}

/** The record sets of a `route53 list-resource-record-sets` export, as capture snapshot rows (in export order). */
export function parseRoute53Export(text: string, source: string): RecordRow[] {
  const json = parseJsonText(text, source);
  const parsed = exportSchema.safeParse(json);
  if (!parsed.success) throw new CaptureError(source, zodIssues(parsed.error, json));
  return parsed.data.ResourceRecordSets.map((set) => ({
    name: set.Name,
    type: set.Type,
    ttl: set.TTL ?? null,
    set_identifier: set.SetIdentifier ?? null,
    weight: set.Weight ?? null,
    values: (set.ResourceRecords ?? []).map((r) => r.Value),
    alias_target:
      set.AliasTarget === undefined
        ? null
        : {
            hosted_zone_id: set.AliasTarget.HostedZoneId,
            dns_name: set.AliasTarget.DNSName,
            evaluate_target_health: set.AliasTarget.EvaluateTargetHealth,
          },
  }));
}
