import { IssuesError } from '@doppel/twin';

export const LabErrorCode = {
  ExperimentNotFound: 'DOPPEL_ERR_EXPERIMENT_NOT_FOUND',
  ExperimentInvalid: 'DOPPEL_ERR_EXPERIMENT_INVALID',
  DatasetNotFound: 'DOPPEL_ERR_DATASET_NOT_FOUND',
  DatasetInvalid: 'DOPPEL_ERR_DATASET_INVALID',
  ReplicationFailed: 'DOPPEL_ERR_REPLICATION_FAILED',
  RedisUnavailable: 'DOPPEL_ERR_REDIS_UNAVAILABLE',
} as const;
export type LabErrorCode = (typeof LabErrorCode)[keyof typeof LabErrorCode];

/** A problem with an experiment: the message names the file and line, field path, expected and found. */
export class LabError extends IssuesError<LabErrorCode> {
  override name = 'LabError';
}
