// Long work seen from outside the app's window: how far the running jobs are (for the browser tab's title
// and the Electron taskbar or dock icon), and which update ended a job (for a desktop notification).
// Pure, so the renderer and the Electron host say the same thing.
import type { Job } from './jobs'

export interface RunningWork {
  /** 0..1: the running jobs' mean progress. */
  progress: number
  /** The running jobs, oldest first. */
  running: Job[]
}

/** What is running now, or null when nothing is. */
export function runningWork(jobs: Iterable<Job>): RunningWork | null {
  const running = [...jobs].filter((j) => j.state === 'running')
  if (!running.length) return null
  running.sort((a, b) => a.startedAt.localeCompare(b.startedAt))
  const progress = running.reduce((sum, j) => sum + j.progress, 0) / running.length
  return { progress: Math.min(1, Math.max(0, progress)), running }
}

/**
 * Whether this update ends the job: it was seen running and now is not. A job first seen already ended
 * (listed when the app opened) ended while nobody watched, so it is not announced now.
 */
export function jobEnded(before: Job | undefined, after: Job): boolean {
  return before?.state === 'running' && after.state !== 'running'
}
