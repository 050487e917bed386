import type { AnyPack } from '../contracts/index.js';
import { ScenarioIssueCode } from '../errors.js';
import { runAliases, runDefaultKeys } from './config-dir.js';
import { configFolders, referenceFields } from './documents.js';
import { durationFormats } from './duration.js';
import { genericJsonSchema, inputRowJsonSchema, packSectionJsonSchema, type JsonSchema } from './json-schema.js';
import { scenarioDefaults } from './schema.js';

interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly fallback: string;
  readonly description: string;
}

function asSchema(value: unknown): JsonSchema | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let current: unknown = root;
  for (const part of ref.slice(2).split('/')) current = asSchema(current)?.[part];
  return asSchema(current) ?? schema;
}

function typeOf(input: JsonSchema, root: JsonSchema): string {
  const schema = resolveRef(input, root);
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const options = schema[combinator];
    if (Array.isArray(options))
      return [...new Set(options.map((option) => typeOf(asSchema(option) ?? {}, root)))].join(' \\| ');
  }
  const type = schema.type;
  if (Array.isArray(type)) return type.map((item) => typeOf({ ...schema, type: item }, root)).join(' \\| ');
  if (type === 'array') return `list of ${typeOf(asSchema(schema.items) ?? {}, root)}`;
  if (type === 'object') {
    const values = asSchema(schema.additionalProperties);
    if (!asSchema(schema.properties) && values) return `mapping of ${typeOf(values, root)}`;
    return 'mapping';
  }
  if (type === 'integer' || type === 'number') {
    const bounds: string[] = [];
    if (typeof schema.minimum === 'number') bounds.push(`>= ${schema.minimum}`);
    if (typeof schema.exclusiveMinimum === 'number') bounds.push(`> ${schema.exclusiveMinimum}`);
    if (typeof schema.maximum === 'number' && schema.maximum < Number.MAX_SAFE_INTEGER)
      bounds.push(`<= ${schema.maximum}`);
    if (typeof schema.exclusiveMaximum === 'number') bounds.push(`< ${schema.exclusiveMaximum}`);
    return bounds.length > 0 ? `${type} ${bounds.join(', ')}` : String(type);
  }
  if (typeof type === 'string') return type;
  return 'any';
}

function flatten(input: JsonSchema, root: JsonSchema, prefix: string, rows: Row[], depth: number): void {
  const schema = resolveRef(input, root);
  if (depth > 8) return;
  const properties = asSchema(schema.properties);
  if (properties) {
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    for (const [key, value] of Object.entries(properties)) {
      const child = resolveRef(asSchema(value) ?? {}, root);
      const path = prefix === '' ? key : `${prefix}.${key}`;
      rows.push({
        path,
        type: typeOf(child, root),
        required: required.has(key),
        fallback: child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : '',
        description: typeof child.description === 'string' ? child.description : '',
      });
      flatten(child, root, path, rows, depth + 1);
    }
  }
  const items = asSchema(schema.items);
  if (schema.type === 'array' && items) flatten(items, root, `${prefix}[]`, rows, depth + 1);
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const options = schema[combinator];
    if (!Array.isArray(options)) continue;
    for (const option of options) {
      const resolved = resolveRef(asSchema(option) ?? {}, root);
      if (asSchema(resolved.properties) || resolved.type === 'array') flatten(resolved, root, prefix, rows, depth + 1);
    }
  }
}

function table(rows: readonly Row[]): string {
  if (rows.length === 0) return '_No fields._\n';
  const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| field | type | required | default | description |', '|---|---|---|---|---|'];
  for (const row of rows) {
    lines.push(
      `| \`${row.path}\` | ${row.type} | ${row.required ? 'yes' : ''} | ${row.fallback} | ${escape(row.description)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function rowsOf(schema: JsonSchema): Row[] {
  const rows: Row[] = [];
  flatten(schema, schema, '', rows, 0);
  const seen = new Set<string>();
  return rows.filter((row) => (seen.has(row.path) ? false : (seen.add(row.path), true)));
}

const example = `doppel: 1
name: city-10
description: Ten stations, one day
pack: swap
start: 2026-06-01T00:00:00+02:00
timezone: Europe/Paris
duration: 24h
seed: 42
telemetry: { interval: 5m }
constants: { PEAK_FACTOR: 2.5 }
inputs: { demand: data/demand.csv }
interventions:
  - { at: "17:55", asset: s4, action: trigger_outage, args: { duration_seconds: 1200 } }
breakpoints: ["station('s4').queue_length > 5"]
swap: { ... }   # the pack section, keyed by the pack name`;

/** The scenario reference (docs/scenario-reference.md), generated from the loader's and the packs' schemas. */
export function scenarioReferenceMarkdown(packs: readonly AnyPack[]): string {
  const out: string[] = [];
  out.push('# Scenario reference\n');
  out.push(
    '<!-- Generated by `doppel schema --markdown` (docs/generate-scenario-reference.sh). Do not edit by hand. -->\n',
  );
  out.push(
    'A scenario is YAML (or JSON) resolved into a frozen, hashed `ResolvedScenario`: a single file (`doppel run city.yaml`) or a run of a config directory (`doppel run --config DIR --run NAME`). Editors can validate files with the JSON Schema printed by `doppel schema`.\n',
  );
  out.push('## Single file\n');
  out.push('```yaml\n' + example + '\n```\n');
  out.push(
    `Unknown top-level keys are rejected (with the nearest valid key). Defaults: description "", start ${scenarioDefaults.start}, timezone ${scenarioDefaults.timezone}, telemetry interval ${scenarioDefaults.telemetryInterval}. \`duration\` is required. \`seed\` is required in the file unless the caller supplies one (no seed, no run); a seed or duration given by the caller (\`--seed\`, API) overrides the file's.\n`,
  );
  out.push(table(rowsOf(genericJsonSchema())));
  out.push('### Values\n');
  out.push(
    `- **Durations**: ${durationFormats}. Units d, h, m, s may be combined once each ("1h30m", "1h 30m"); negative durations are errors.`,
  );
  out.push(
    '- **Intervention times** (`at`): a duration from the start ("17h55m"), a number of seconds, or a clock time "HH:MM" / "HH:MM:SS" meaning its first occurrence at or after `start`, in `timezone` (daylight-saving jumps included). A time after the end of the run is an error. Interventions are sorted by time; those at the same time keep their written order.',
  );
  out.push(
    '- **Constants**: `${NAME}` in any string is replaced by the constant. A string that is exactly `${NAME}` takes the constant with its type (number, list, mapping); inside longer text it is written as text. `$${` writes a literal `${`. An unknown name is an error naming the nearest constant.',
  );
  out.push(
    "- **Inputs**: `inputs: { demand: data/demand.csv }` names CSV tables of the pack; paths are relative to the scenario file (to the config directory for runs). The first line is the header; cells that look like numbers or `true`/`false` are typed, unless the row schema wants text. Each row is validated by the pack's row schema; errors name the CSV file and line. API bodies may give rows inline as a list of mappings.",
  );
  out.push(
    '- **Identity**: `sha256` is the SHA-256 of the canonical JSON (sorted keys) of the resolved scenario without `sha256` and `source`: key order and formatting do not change it, any value does.\n',
  );
  out.push('## Config directory\n');
  out.push(
    `\`loadConfigDir(DIR, RUN)\` / \`doppel run --config DIR --run RUN\` loads \`DIR/runs/RUN.yaml\`. Folders: ${configFolders.map((folder) => `\`${folder}/\``).join(', ')}, plus \`defaults.yaml\` and \`constants.yaml\`.\n`,
  );
  const fields = Object.entries(referenceFields).map(([field, folder]) => `\`${field}\` → \`${folder}/\``);
  out.push(
    [
      '- Each document is named after its file without extension (`.yaml` or `.yml`).',
      `- **References**: a field named after a folder (${fields.join(', ')}) whose value is a string, or a list of strings, naming a document of that folder is replaced by that document, resolved recursively. The inlined document gets \`name: <document name>\` unless it has one. Inline mappings are allowed wherever a reference is. A cycle, or an unknown name, is an error (with the nearest existing name).`,
      '- **extends**: `extends: <name>` inherits from another document of the same folder: deep merge, the child wins, lists are replaced. Cycles are errors.',
      '- **overrides** (in scenarios and runs): a mapping deep-merged into the resolved document after references; a mapping applied to a list of named objects addresses elements by `name` (`overrides: { equipment: { packer: { uph: 1400 } } }`).',
      `- **defaults.yaml**: the keys ${runDefaultKeys.map((key) => `\`${key}\``).join(', ')} are defaults of every run; keys named after a folder (\`equipment: {...}\`) are deep-merged under every document of that folder (under the root of an \`extends\` chain). Other keys are errors.`,
      '- **constants.yaml**: `NAME: value` pairs for `${NAME}` in every document (same rules as single-file constants).',
      `- **Runs** hold the generic fields (name optional, defaulting to the run's file name; description, pack, start, timezone, duration, seed, telemetry, inputs, interventions, breakpoints); everything else in the resolved run (for example \`scenario\`, \`product\`) becomes the pack section, validated by the pack's schema, with error paths starting at the run (\`scenario.equipment[2].uph\`). Seed 002 aliases: ${Object.entries(
        runAliases,
      )
        .map(([alias, meaning]) => `\`${alias}\` → ${meaning}`)
        .join(
          ', ',
        )}. A value written in the run wins over defaults.yaml whichever spelling is used; both spellings in one run is an error.`,
      '- Precedence, lowest first: defaults.yaml folder defaults < `extends` parents < the document < its `overrides`; run defaults in defaults.yaml < the run < the caller (seed, duration).\n',
    ].join('\n'),
  );
  out.push('## Packs\n');
  if (packs.length === 0) out.push('_No packs are registered._\n');
  for (const pack of packs) {
    out.push(`### \`${pack.name}\` — ${pack.title} (${pack.version})\n`);
    out.push(`The \`${pack.name}:\` section of a single file, or the non-generic fields of a run.\n`);
    out.push(table(rowsOf(packSectionJsonSchema(pack))));
    const inputs = Object.entries(pack.inputs ?? {});
    for (const [name, spec] of inputs) {
      out.push(`#### Input table \`${name}\`\n`);
      out.push(`${spec.description}\n`);
      out.push(table(rowsOf(inputRowJsonSchema(spec.row))));
    }
    const actions = pack.assetKinds.flatMap((kind) =>
      kind.interventions.map((definition) => ({ kind: kind.kind, definition })),
    );
    if (actions.length > 0) {
      out.push('#### Interventions\n');
      out.push('| action | asset kind | description |\n|---|---|---|');
      for (const { kind, definition } of actions)
        out.push(`| \`${definition.name}\` | ${kind} | ${definition.description} |`);
      out.push('');
    }
  }
  out.push('## Problems\n');
  out.push(
    'Every problem is reported with file, line and column, the field path, what was expected and found, and the nearest valid name for a misspelling; all problems of a load are reported at once (`DOPPEL_ERR_SCENARIO_INVALID`). A missing file, directory or run is `DOPPEL_ERR_SCENARIO_NOT_FOUND` and lists what exists. Problem codes:\n',
  );
  out.push(
    Object.values(ScenarioIssueCode)
      .map((code) => `\`${code}\``)
      .join(', ') + '\n',
  );
  return out.join('\n');
}
