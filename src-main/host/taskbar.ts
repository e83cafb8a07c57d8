// The running jobs' progress on the app's taskbar or dock icon: every job the engine reports goes into one
// figure (src-shared/job-progress.ts); -1 clears the bar when nothing runs (Electron's setProgressBar).
// Kept free of Electron, so it is tested with the engine's real event bus.
import { runningWork } from '../../src-shared/job-progress'
import type { Job } from '../../src-shared/jobs'
import type { EventBus } from '../engine/events'

export function trackJobProgress(bus: EventBus, setProgress: (fraction: number) => void): () => void {
  const jobs = new Map<string, Job>()
  let shown: number | null = null
  return bus.on('job.updated', (job) => {
    jobs.set(job.id, job)
    // Only the running ones matter; ended ones are dropped so the map does not grow with history.
    if (job.state !== 'running') jobs.delete(job.id)
    const work = runningWork(jobs.values())
    const next = work ? work.progress : -1
    if (next !== shown) setProgress((shown = next))
  })
}
