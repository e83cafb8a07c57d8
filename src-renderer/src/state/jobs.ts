// The renderer's picture of jobs: every job the engine lists, kept current by `job.updated` events and
// reloaded when the connection comes back. Actions (cancel, resume, delete a lab) go to the engine.
import { create } from 'zustand'
import type { Job } from '../../../src-shared/jobs'
import { ApiError } from '../../../src-shared/errors'
import { currentApi, onApi } from '../api/current'
import { useStore } from '../store'

interface JobsState {
  jobs: Record<string, Job>
  loaded: boolean
  /** Labs that exist now: actions on a job of a lab that is gone are not offered. */
  labs: Set<string>
  /** The job the user was sent to (a lab just created); shown first and opened. */
  selected: string | null
  /** Jobs whose cancel this engine refused: they run in another Stacklab process. */
  elsewhere: Record<string, boolean>
  /** The last action's error, per job id. */
  actionError: Record<string, string>
  load: () => Promise<void>
  select: (id: string | null) => void
  upsert: (job: Job) => void
  cancel: (id: string) => Promise<void>
  resume: (id: string) => Promise<void>
  deleteLab: (id: string) => Promise<void>
}

function message(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : String(error)
}

export const useJobs = create<JobsState>()((set, get) => {
  /** Run an action for a job; its error shows on that job, a new job it starts becomes the selected one. */
  const act = async (id: string, work: () => Promise<Job | null>) => {
    set((s) => ({ actionError: { ...s.actionError, [id]: '' } }))
    try {
      const started = await work()
      if (started) {
        get().upsert(started)
        set({ selected: started.id })
      }
    } catch (error) {
      set((s) => ({ actionError: { ...s.actionError, [id]: message(error) } }))
    }
  }
  const api = () => {
    const a = currentApi()
    if (!a) throw new ApiError({ code: 'internal', message: 'Not connected to the engine' })
    return a
  }
  return {
    jobs: {},
    loaded: false,
    labs: new Set(),
    selected: null,
    actionError: {},
    elsewhere: {},
    async load() {
      const a = currentApi()
      if (!a) return
      const [list, labs] = await Promise.all([a.call('jobs.list', {}), a.call('labs.list', {})])
      set({
        jobs: Object.fromEntries(list.map((j) => [j.id, j])),
        labs: new Set(labs.map((l) => l.name)),
        loaded: true,
      })
    },
    select: (selected) => set({ selected }),
    upsert: (job) => set((s) => ({ jobs: { ...s.jobs, [job.id]: job } })),
    cancel: (id) =>
      act(id, async () => {
        const { cancelled } = await api().call('job.cancel', { id })
        set((s) => ({ elsewhere: { ...s.elsewhere, [id]: !cancelled } }))
        return null
      }),
    // An interrupted install picks its packstack run up again (it went on, detached, on the controller).
    resume: (id) =>
      act(id, () => {
        const job = get().jobs[id]!
        return job.kind === 'lab.install' || job.kind === 'lab.retry'
          ? api().call('lab.install', { name: job.lab, retry: false })
          : api().call('lab.resume', { name: job.lab })
      }),
    deleteLab: (id) => act(id, () => api().call('lab.delete', { name: get().jobs[id]!.lab })),
  }
})

/** Jobs newest first. */
export function sortedJobs(jobs: Record<string, Job>): Job[] {
  return Object.values(jobs).sort((a, b) => b.startedAt.localeCompare(a.startedAt))
}

onApi((api) => {
  api.on('job.updated', (job) => {
    useJobs.getState().upsert(job)
    // A job that ends may have made or removed its lab.
    if (job.state !== 'running')
      void api
        .call('labs.list', {})
        .then((labs) => useJobs.setState({ labs: new Set(labs.map((l) => l.name)) }))
        .catch(() => undefined)
  })
  void useJobs.getState().load()
  // Events missed while the engine was away: load the list again when the connection returns.
  useStore.subscribe((s, prev) => {
    if (s.connection === 'open' && prev.connection !== 'open') void useJobs.getState().load()
  })
})
