import { z } from 'zod';

/**
 * Input limits: every bound applied where input enters (a YAML file, an HTTP body, a path id), in one place.
 * Each is far above what a real scenario or request needs and low enough that the work to refuse the input is
 * small: one hostile document or request must never cost the other tenants of a server their memory or time.
 */

/**
 * Largest YAML (or JSON) scenario or config document read, in bytes: the same as the server's body limit. The
 * largest shipped example is under 4 KB; the YAML parser needs about a second per MiB on a busy 2-core machine.
 */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

/**
 * Deepest nesting of mappings and lists in a YAML document or a JSON body. Scenarios nest fewer than 10 levels;
 * parsers and validators recurse once per level, and 64 keeps them far from the stack limit.
 */
export const MAX_NESTING_DEPTH = 64;

/** Alias nodes (`*name`) in one YAML document: scenarios use a handful for shared defaults. */
export const MAX_YAML_ALIASES = 1_000;

/**
 * Values (mappings, lists and scalars) that following aliases may add to a YAML document; what is written out is
 * bounded by the document size. Without this bound a few hundred bytes of nested aliases ("billion laughs") expand
 * to billions of values; 100,000 are read in about 0.1 s.
 */
export const MAX_YAML_ALIAS_VALUES = 100_000;

/** Characters of text (keys and strings) that following aliases may add to a YAML document. */
export const MAX_YAML_ALIAS_CHARS = 4 * 1024 * 1024;

/** Longest id accepted (simulation, asset, intervention, webhook, vehicle ids; path segments that name one). */
export const MAX_ID_LENGTH = 200;

/** Longest display name accepted (simulation, account, key names). */
export const MAX_NAME_LENGTH = 200;

/** Located issues listed in one error; the rest are counted, so a body of 50,000 unknown keys answers briefly. */
export const MAX_REPORTED_ISSUES = 50;

/**
 * Ids and names refuse C0 and C1 control characters (NUL included) and DEL: they are invisible in listings and logs,
 * and NUL truncates strings in the C libraries a name may reach.
 */
// eslint-disable-next-line no-control-regex
const noControl = /^[^\u0000-\u001f\u007f-\u009f]*$/;
const noControlMessage = 'control characters (NUL included) are not allowed';

/** An id as it enters (a path segment, a body field): 1 to MAX_ID_LENGTH characters, no control characters. */
export const idString = (): z.ZodString => z.string().min(1).max(MAX_ID_LENGTH).regex(noControl, noControlMessage);

/** A display name as it enters: 1 to MAX_NAME_LENGTH characters, no control characters. */
export const nameString = (): z.ZodString => z.string().min(1).max(MAX_NAME_LENGTH).regex(noControl, noControlMessage);
