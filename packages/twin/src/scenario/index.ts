export { loadScenarioFile, loadScenarioText, resolveScenarioObject, type ScenarioTextOptions } from './single-file.js';
export { loadConfigDir, listRuns, runAliases, runDefaultKeys } from './config-dir.js';
export type { ScenarioLoadOptions } from './resolve.js';
export { parseDuration, formatDuration, formatSimTime, parseClockTime, durationFormats } from './duration.js';
export { scenarioJsonSchema, scenarioFileSchema, type JsonSchema } from './json-schema.js';
export { scenarioReferenceMarkdown } from './reference.js';
export { configFolders, referenceFields, type ConfigFolder } from './documents.js';
export { resolvedScenarioFromSnapshot, scenarioSha256, scenarioWithConfig } from './snapshot.js';
// The located-YAML machinery, for other documents that want scenario-grade errors (test files).
export { readYaml } from './yaml-reader.js';
export { IssueList, describeValue, nearest, type IssueInput } from './issues.js';
export { validateLocated } from './validate.js';
export { deepMerge, formatPath, locate, metaOf, type Loc, type Plain, type PlainObject } from './located.js';
export { tryParseDuration } from './duration.js';
export { localSecondsOfDay, parseStart, secondsUntilClock } from './time.js';
export { debugModeChunkS, DEBUG_CHUNK_DEFAULT, type DebugModeInput } from './schema.js';
