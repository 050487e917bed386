import { MAX_DOCUMENT_BYTES } from '../contracts/limits.js';
import { join } from 'node:path';
import { ScenarioIssueCode } from '../errors.js';
import { substituteConstants, type Constants } from './constants.js';
import { readTextFile, yamlDocumentNames, yamlDocumentPath } from './files.js';
import { describeValue, listNames, nearest, type IssueList } from './issues.js';
import {
  buildObject,
  deepMerge,
  isPlainObject,
  locOf,
  metaOf,
  omitKeys,
  setMeta,
  type Loc,
  type MemberLoc,
  type Plain,
  type PlainObject,
} from './located.js';
import { readYaml } from './yaml-reader.js';

/** The folders of a config directory, in the order the reference documents them. */
export const configFolders = [
  'runs',
  'scenarios',
  'topologies',
  'equipment',
  'products',
  'behaviors',
  'sources',
] as const;
export type ConfigFolder = (typeof configFolders)[number];

/** Field names that reference a document of a folder: the folder's singular and plural. */
export const referenceFields: Readonly<Record<string, ConfigFolder>> = {
  scenario: 'scenarios',
  scenarios: 'scenarios',
  topology: 'topologies',
  topologies: 'topologies',
  equipment: 'equipment',
  product: 'products',
  products: 'products',
  behavior: 'behaviors',
  behaviors: 'behaviors',
  source: 'sources',
  sources: 'sources',
};

/**
 * Run fields that are never references: an intervention argument named `product` is the intervention's business,
 * not a document of products/.
 */
const runOwnFields: readonly string[] = ['interventions', 'breakpoints', 'inputs', 'telemetry'];

/** Folders whose documents may carry `overrides:`. */
const overridable = new Set<ConfigFolder>(['runs', 'scenarios']);

type Read = { status: 'ok'; value: PlainObject } | { status: 'missing' } | { status: 'broken' };

/**
 * Resolves documents of a config directory: `extends` (deep merge, child wins, arrays replaced), defaults from
 * defaults.yaml under every document of a folder, `${CONSTANTS}`, references by name (recursively, with cycle
 * detection) and `overrides`. Every problem goes to `issues` with its file and line.
 */
export class DocumentResolver {
  private readonly reads = new Map<string, Read>();
  private readonly resolved = new Map<string, PlainObject | undefined>();
  private readonly stack: string[] = [];
  /** Cycles already reported (as their sorted members), so a cycle entered from another side is not repeated. */
  private readonly cycles = new Set<string>();
  /** Set when a reference could not be resolved, so the pack section is incomplete. */
  incomplete = false;

  constructor(
    private readonly dir: string,
    private readonly constants: Constants,
    private readonly folderDefaults: ReadonlyMap<ConfigFolder, PlainObject>,
    private readonly issues: IssueList,
  ) {}

  names(folder: ConfigFolder): string[] {
    return yamlDocumentNames(join(this.dir, folder));
  }

  /** Parses a document file once, with constants substituted. */
  read(folder: ConfigFolder, name: string): Read {
    const key = `${folder}/${name}`;
    const cached = this.reads.get(key);
    if (cached) return cached;
    const path = yamlDocumentPath(join(this.dir, folder), name);
    let result: Read;
    if (path === undefined) {
      result = { status: 'missing' };
    } else {
      const raw = readYaml(readTextFile(path, MAX_DOCUMENT_BYTES) ?? '', path, this.issues);
      const rootLoc: Loc = { file: path, line: 1, column: 1 };
      if (raw === undefined) {
        result = { status: 'broken' };
      } else if (raw === null) {
        result = { status: 'ok', value: buildObject(rootLoc, []) };
      } else if (!isPlainObject(raw)) {
        this.issues.add({
          code: ScenarioIssueCode.InvalidType,
          loc: locOf(raw, rootLoc),
          path: '',
          message: `a ${folder} document is a mapping of fields`,
          expected: 'a mapping',
          found: describeValue(raw),
        });
        result = { status: 'broken' };
      } else {
        const substituted = substituteConstants(raw, this.constants, this.issues, [], rootLoc);
        result = { status: 'ok', value: substituted as PlainObject };
      }
    }
    this.reads.set(key, result);
    return result;
  }

  /**
   * The fully resolved document `name` of `folder`, or undefined (with an issue at `loc`) when it does not exist,
   * is broken, or closes a reference cycle.
   */
  resolve(folder: ConfigFolder, name: string, loc: Loc, path: readonly PropertyKey[]): PlainObject | undefined {
    const key = `${folder}/${name}`;
    if (this.stack.includes(key)) {
      const members = this.stack.slice(this.stack.indexOf(key));
      const cycle = [...members, key].join(' -> ');
      this.incomplete = true;
      if (!this.firstReport(members)) return undefined;
      this.issues.add({
        code: ScenarioIssueCode.ReferenceCycle,
        loc,
        path,
        message: `reference cycle: ${cycle}`,
        found: JSON.stringify(name),
      });
      return undefined;
    }
    if (this.resolved.has(key)) return this.resolved.get(key);
    const read = this.read(folder, name);
    if (read.status !== 'ok') {
      if (read.status === 'missing') this.unknownDocument(folder, name, loc, path, 'reference');
      this.incomplete = true;
      return undefined;
    }
    this.stack.push(key);
    const merged = this.applyExtends(folder, name, read.value, [name]);
    let out = this.resolveReferences(
      omitKeys(merged, ['overrides']),
      [],
      folder === 'runs' ? runOwnFields : [],
    ) as PlainObject;
    if (overridable.has(folder) && merged.overrides !== undefined) {
      const overridesLoc = metaOf(merged)?.members.get('overrides')?.value ?? locOf(merged, loc);
      if (isPlainObject(merged.overrides)) {
        const overrides = this.resolveReferences(merged.overrides, ['overrides']);
        out = this.applyOverrides(out, overrides as PlainObject, ['overrides']);
      } else {
        this.issues.add({
          code: ScenarioIssueCode.InvalidType,
          loc: overridesLoc,
          path: 'overrides',
          message: 'overrides must be a mapping merged into the resolved document',
          expected: 'a mapping',
          found: describeValue(merged.overrides),
        });
      }
    }
    this.stack.pop();
    this.resolved.set(key, out);
    return out;
  }

  private firstReport(members: readonly string[]): boolean {
    const key = [...members].sort().join('|');
    if (this.cycles.has(key)) return false;
    this.cycles.add(key);
    return true;
  }

  private unknownDocument(
    folder: ConfigFolder,
    name: string,
    loc: Loc,
    path: readonly PropertyKey[],
    via: string,
  ): void {
    const names = this.names(folder);
    const suggestion = nearest(name, names);
    this.issues.add({
      code: ScenarioIssueCode.UnknownReference,
      loc,
      path,
      message: `${via} to unknown ${folder} document "${name}" (no ${join(this.dir, folder, `${name}.yaml`)})`,
      expected: `one of ${listNames(names)}`,
      found: JSON.stringify(name),
      ...(suggestion !== undefined ? { suggestion } : {}),
    });
  }

  /** Folder defaults under the root of the `extends` chain, then each descendant merged over its parent. */
  private applyExtends(folder: ConfigFolder, name: string, doc: PlainObject, chain: readonly string[]): PlainObject {
    const own = omitKeys(doc, ['extends']);
    const parent = doc.extends;
    const base = this.folderDefaults.get(folder);
    if (parent === undefined || parent === null) return (base ? deepMerge(base, own) : own) as PlainObject;
    const loc = metaOf(doc)?.members.get('extends')?.value ?? locOf(doc, { file: name, line: 1, column: 1 });
    if (typeof parent !== 'string') {
      this.issues.add({
        code: ScenarioIssueCode.InvalidType,
        loc,
        path: 'extends',
        message: `extends names another document of ${folder}/`,
        expected: 'a document name',
        found: describeValue(parent),
      });
      return own;
    }
    if (chain.includes(parent)) {
      this.incomplete = true;
      if (!this.firstReport(chain.slice(chain.indexOf(parent)).map((member) => `${folder}/${member}`))) return own;
      this.issues.add({
        code: ScenarioIssueCode.ExtendsCycle,
        loc,
        path: 'extends',
        message: `extends cycle: ${[...chain, parent].join(' -> ')}`,
        found: JSON.stringify(parent),
      });
      return own;
    }
    const read = this.read(folder, parent);
    if (read.status !== 'ok') {
      if (read.status === 'missing') this.unknownDocument(folder, parent, loc, ['extends'], 'extends');
      this.incomplete = true;
      return own;
    }
    return deepMerge(this.applyExtends(folder, parent, read.value, [...chain, parent]), own) as PlainObject;
  }

  /** Replaces every reference field's document names by the resolved documents, anywhere in `value`. */
  resolveReferences(value: Plain, path: readonly PropertyKey[], keep: readonly string[] = []): Plain {
    if (Array.isArray(value)) {
      const meta = metaOf(value);
      const out = value.map((item, index) => this.resolveReferences(item, [...path, index]));
      if (meta) setMeta(out, meta.loc, new Map(meta.members));
      return out;
    }
    if (!isPlainObject(value)) return value;
    const meta = metaOf(value);
    const entries: [string, Plain, MemberLoc | undefined][] = Object.keys(value).map((key) => {
      const member = meta?.members.get(key);
      const item = value[key];
      if (keep.includes(key)) return [key, item, member];
      const folder = referenceFields[key];
      const here = member?.value ?? locOf(value, { file: this.dir, line: 1, column: 1 });
      if (folder !== undefined && typeof item === 'string') {
        return [key, this.inline(folder, item, here, [...path, key]), member];
      }
      if (folder !== undefined && Array.isArray(item)) {
        const itemMeta = metaOf(item);
        const list = item.map((element, index) => {
          const elementLoc = itemMeta?.members.get(String(index))?.value ?? here;
          return typeof element === 'string'
            ? this.inline(folder, element, elementLoc, [...path, key, index])
            : this.resolveReferences(element, [...path, key, index]);
        });
        if (itemMeta) setMeta(list, itemMeta.loc, new Map(itemMeta.members));
        return [key, list, member];
      }
      return [key, this.resolveReferences(item, [...path, key]), member];
    });
    return buildObject(locOf(value, { file: this.dir, line: 1, column: 1 }), entries);
  }

  /** The referenced document, named after its file when it has no `name`; the name itself when it is unknown. */
  private inline(folder: ConfigFolder, name: string, loc: Loc, path: readonly PropertyKey[]): Plain {
    const doc = this.resolve(folder, name, loc, path);
    if (!doc) return name;
    if (doc.name !== undefined) return doc;
    const meta = metaOf(doc);
    const docLoc = locOf(doc, loc);
    const entries: [string, Plain, MemberLoc | undefined][] = [['name', name, { key: loc, value: loc }]];
    for (const key of Object.keys(doc)) entries.push([key, doc[key], meta?.members.get(key)]);
    return buildObject(docLoc, entries);
  }

  /**
   * Deep merge of `overrides`, where a mapping applied to a list addresses the list's elements by `name`
   * (`equipment: { packer: { uph: 1400 } }`).
   */
  applyOverrides(base: PlainObject, overrides: PlainObject, path: readonly PropertyKey[]): PlainObject {
    const baseMeta = metaOf(base);
    const overMeta = metaOf(overrides);
    const entries: [string, Plain, MemberLoc | undefined][] = [];
    for (const key of Object.keys(base))
      if (!(key in overrides)) entries.push([key, base[key], baseMeta?.members.get(key)]);
    for (const key of Object.keys(overrides)) {
      const current = base[key];
      const change = overrides[key];
      const member = overMeta?.members.get(key);
      let value: Plain;
      if (Array.isArray(current) && isPlainObject(change)) value = this.overrideByName(current, change, [...path, key]);
      else if (isPlainObject(current) && isPlainObject(change))
        value = this.applyOverrides(current, change, [...path, key]);
      else value = change;
      entries.push([key, value, member]);
    }
    return buildObject(locOf(base, locOf(overrides, { file: this.dir, line: 1, column: 1 })), entries);
  }

  private overrideByName(list: Plain[], changes: PlainObject, path: readonly PropertyKey[]): Plain[] {
    const out = [...list];
    const listMeta = metaOf(list);
    const members = new Map(listMeta?.members ?? []);
    const changeMeta = metaOf(changes);
    const names = list.flatMap((element) =>
      isPlainObject(element) && typeof element.name === 'string' ? [element.name] : [],
    );
    for (const name of Object.keys(changes)) {
      const index = list.findIndex((element) => isPlainObject(element) && element.name === name);
      const change = changes[name];
      const loc = changeMeta?.members.get(name)?.key ?? locOf(changes, { file: this.dir, line: 1, column: 1 });
      if (index < 0) {
        const suggestion = nearest(name, names);
        this.issues.add({
          code: ScenarioIssueCode.UnknownReference,
          loc,
          path: [...path, name],
          message: `no element named "${name}" to override`,
          expected: `one of ${listNames(names)}`,
          found: JSON.stringify(name),
          ...(suggestion !== undefined ? { suggestion } : {}),
        });
        continue;
      }
      const element = list[index] as PlainObject;
      out[index] = isPlainObject(change) ? this.applyOverrides(element, change, [...path, name]) : change;
    }
    setMeta(out, locOf(list, { file: this.dir, line: 1, column: 1 }), members);
    return out;
  }
}
