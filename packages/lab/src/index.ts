export { LabError, LabErrorCode } from './errors.js';
export { experimentFileSchema, type ExperimentFile } from './experiment-schema.js';
export { loadExperimentFile, loadExperimentText, type Experiment } from './load-experiment.js';
export {
  crnSeed,
  designPoints,
  gridPoints,
  pointLabel,
  type Design,
  type DesignPoint,
  type FactorRange,
  type FactorSpec,
  type FactorValue,
} from './design.js';
export { firstDivergence, type Divergence, type LedgerTrace } from './divergence.js';
export { estimate, pairedDelta, type OutputEstimate, type PairedDelta } from './statistics.js';
export { ResultCache } from './cache.js';
export { createRunner, defaultWorkers } from './pool.js';
export {
  baseIdentity,
  runExperiment,
  type ExperimentProgress,
  type ExperimentResult,
  type RunExperimentOptions,
} from './run-experiment.js';
export { RESULT_FILES, writeResultFiles } from './results-files.js';
export {
  createQueueRunner,
  DEFAULT_QUEUE,
  replicationKey,
  startReplicationWorker,
  type QueueTarget,
  type ReplicationWorker,
  type WorkerOptions,
} from './queue.js';
export type { ReplicationRunner } from './pool.js';
export { PARQUET_FILES, writeParquetFiles } from './parquet.js';
export { datasetSpecSchema, loadDatasetSpec, parseDatasetSpec, type DatasetSpec } from './dataset-spec.js';
export {
  DATASET_FILES,
  generateDataset,
  type DatasetManifest,
  type GenerateDatasetOptions,
  type ManifestEpisode,
} from './generate-dataset.js';
