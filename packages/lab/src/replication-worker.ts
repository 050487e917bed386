import { runReplication, type ReplicationJob, type ReplicationRecord } from './replicate.js';

/** The pool's task: one replication in a worker thread. */
export default function replicate(job: ReplicationJob): Promise<ReplicationRecord> {
  return runReplication(job);
}
