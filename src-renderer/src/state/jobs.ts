// The renderer's picture of jobs: every job the engine lists, kept current by `job.updated` events and
// reloaded when the connection comes back. Actions (start an install, cancel, resume, delete a lab) go to
// the engine; the job they start becomes the selected one. Which labs exist is the main store's.
import { create } from 'zustand'
import type { Job } from '../../../src-shared/jobs'
import { call, onApi } from '../api/current'
import { shownFailure, type ShownFailure } from '../components/words'
import { useStore } from '../store'

interface JobsState {
  jobs: Record<string, Job>
  loaded: boolean
  /** The job the user was sent to (a lab just created); shown first and opened. */
  selected: string | null
  /** Jobs whose cancel this engine refused: they run in another Stacklab process. */
  elsewhere: Record<string, boolean>
  /** The last action's error, per job id (or per lab for an install that did not start). */
  actionError: Record<string, ShownFailure | null>
  load: () => Promise<void>
  select: (id: string | null) => void
  upsert: (job: Job) => void
  /** Run packstack on a lab (or reattach to its run); `retry` restores "pre-install" first. */
  install: (lab: string, retry: boolean) => Promise<void>
  cancel: (id: string) => Promise<void>
  resume: (id: string) => Promise<void>
  deleteLab: (id: string) => Promise<void>
}

export const useJobs = create<JobsState>()((set, get) => {
  /** Run an action for a job; its error shows on that job, a new job it starts becomes the selected one. */
  const act = async (id: string, work: () => Promise<Job | null>) => {
    set((s) => ({ actionError: { ...s.actionError, [id]: null } }))
    try {
      const started = await work()
      if (started) {
        get().upsert(started)
        set({ selected: started.id })
      }
    } catch (error) {
      set((s) => ({ actionError: { ...s.actionError, [id]: shownFailure(error) } }))
    }
  }
  return {
    jobs: {},
    loaded: false,
    selected: null,
    actionError: {},
    elsewhere: {},
    async load() {
      const [list] = await Promise.all([call('jobs.list', {}), useStore.getState().loadLabs()])
      set({ jobs: Object.fromEntries(list.map((j) => [j.id, j])), loaded: true })
    },
    select: (selected) => set({ selected }),
    upsert: (job) => set((s) => ({ jobs: { ...s.jobs, [job.id]: job } })),
    async install(lab, retry) {
      const key = `install:${lab}`
      set((s) => ({ actionError: { ...s.actionError, [key]: null } }))
      try {
        get().upsert(await call('lab.install', { name: lab, retry }))
      } catch (error) {
        set((s) => ({ actionError: { ...s.actionError, [key]: shownFailure(error) } }))
      }
    },
    cancel: (id) =>
      act(id, async () => {
        const { cancelled } = await call('job.cancel', { id })
        set((s) => ({ elsewhere: { ...s.elsewhere, [id]: !cancelled } }))
        return null
      }),
    // An interrupted install picks its packstack run up again (it went on, detached, on the controller).
    resume: (id) =>
      act(id, () => {
        const job = get().jobs[id]!
        return job.kind === 'lab.install' || job.kind === 'lab.retry'
          ? call('lab.install', { name: job.lab, retry: false })
          : call('lab.resume', { name: job.lab })
      }),
    deleteLab: (id) => act(id, () => call('lab.delete', { name: get().jobs[id]!.lab })),
  }
})

/** Jobs newest first. */
export function sortedJobs(jobs: Record<string, Job>): Job[] {
  return Object.values(jobs).sort((a, b) => b.startedAt.localeCompare(a.startedAt))
}

/** The newest install (or retry) of a lab, if it has one. */
export function installJobOf(jobs: Record<string, Job>, lab: string): Job | null {
  return (
    sortedJobs(jobs).find((j) => j.lab === lab && (j.kind === 'lab.install' || j.kind === 'lab.retry')) ??
    null
  )
}

onApi((api) => {
  // A job that ends may have made or removed its lab: the main store reloads the labs on the same event.
  api.on('job.updated', (job) => useJobs.getState().upsert(job))
  void useJobs
    .getState()
    .load()
    .catch(() => undefined)
  // Events missed while the engine was away: load the list again when the connection returns.
  useStore.subscribe((s, prev) => {
    if (s.connection === 'open' && prev.connection !== 'open')
      void useJobs
        .getState()
        .load()
        .catch(() => undefined)
  })
})
