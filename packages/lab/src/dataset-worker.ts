import { runEpisode, type EpisodeJob, type EpisodeOutcome } from './dataset-episode.js';

/** The pool's task: one dataset episode in a worker thread. */
export default function episode(job: EpisodeJob): Promise<EpisodeOutcome> {
  return runEpisode(job);
}
