export { loadScenarioFile, loadScenarioText, resolveScenarioObject, type ScenarioTextOptions } from './single-file.js';
export { loadConfigDir, listRuns, runAliases, runDefaultKeys } from './config-dir.js';
export type { ScenarioLoadOptions } from './resolve.js';
export { parseDuration, formatDuration, parseClockTime, durationFormats } from './duration.js';
export { scenarioJsonSchema, scenarioFileSchema, type JsonSchema } from './json-schema.js';
export { scenarioReferenceMarkdown } from './reference.js';
export { configFolders, referenceFields, type ConfigFolder } from './documents.js';
export { resolvedScenarioFromSnapshot, scenarioSha256 } from './snapshot.js';
