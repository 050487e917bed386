import { runReplication, type ReplicationJob, type ReplicationOutcome } from './replicate.js';

/** The pool's task: one replication in a worker thread. */
export default function replicate(job: ReplicationJob): Promise<ReplicationOutcome> {
  return runReplication(job);
}
