// Jobs: long work with named steps, progress and cancel, saved to disk after every change (so a job that
// was running when the engine died is shown as interrupted, and can be resumed), announced as events.
import { randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { JOB_LOG_LINES, Job, type JobState, type JobStep } from '../../src-shared/jobs'
import { writeFileAtomic } from './atomic'
import { alive } from './proc'
import type { EventBus } from './events'

/** Wait `ms`, or less when `signal` aborts (a cancelled job stops waiting at once); never rejects. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
  })
}

export class Cancelled extends Error {
  constructor() {
    super('Cancelled')
    this.name = 'Cancelled'
  }
}

export class JobHandle {
  readonly abort = new AbortController()
  private saving: Promise<void> = Promise.resolve()

  constructor(
    readonly job: Job,
    private readonly persist: (job: Job) => Promise<void>,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal
  }

  throwIfCancelled(): void {
    if (this.abort.signal.aborted) throw new Cancelled()
  }

  private changed(): Promise<void> {
    const done = this.job.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length
    this.job.progress = this.job.steps.length ? Math.min(1, done / this.job.steps.length) : 0
    const snapshot = structuredClone(this.job)
    this.saving = this.saving.then(() => this.persist(snapshot))
    return this.saving
  }

  /** Add a line to the job's log (time first), keeping the newest JOB_LOG_LINES. */
  private note(line: string): void {
    const log = this.job.log
    log.push(`${new Date().toISOString().slice(11, 19)} ${line}`)
    if (log.length > JOB_LOG_LINES) log.splice(0, log.length - JOB_LOG_LINES)
  }

  step(id: string): JobStep {
    const s = this.job.steps.find((x) => x.id === id)
    if (!s) throw new Error(`no step ${id}`)
    return s
  }

  async start(id: string, detail = ''): Promise<void> {
    this.throwIfCancelled()
    const s = this.step(id)
    Object.assign(s, { state: 'running', detail, startedAt: new Date().toISOString() })
    this.note(`${s.title}: started${detail ? ` (${detail})` : ''}`)
    await this.changed()
  }

  /** `log: false` for ticking progress (elapsed time) that would only flood the job's log. */
  async detail(id: string, detail: string, options: { log?: boolean } = {}): Promise<void> {
    const s = this.step(id)
    if (s.detail !== detail && options.log !== false) this.note(`${s.title}: ${detail}`)
    s.detail = detail
    await this.changed()
  }

  async finish(id: string, state: 'done' | 'skipped' | 'failed' = 'done', detail?: string): Promise<void> {
    const s = this.step(id)
    Object.assign(s, {
      state,
      finishedAt: new Date().toISOString(),
      ...(detail !== undefined ? { detail } : {}),
    })
    this.note(`${s.title}: ${state}${detail ? ` (${detail})` : ''}`)
    await this.changed()
  }

  async end(state: Exclude<JobState, 'running'>, error: Job['error'] = null): Promise<void> {
    this.job.state = state
    this.job.error = error
    this.job.finishedAt = new Date().toISOString()
    for (const s of this.job.steps)
      if (s.state === 'running') s.state = state === 'succeeded' ? 'done' : 'failed'
    this.note(`${state}${error ? `: ${error.message}` : ''}`)
    if (error?.fix) this.note(`fix: ${error.fix}`)
    await this.changed()
  }
}

export class JobRunner {
  private readonly running = new Map<string, JobHandle>()
  private readonly dir: string

  constructor(
    dataDir: string,
    private readonly bus: EventBus,
  ) {
    this.dir = join(dataDir, 'jobs')
  }

  create(kind: Job['kind'], lab: string, title: string, steps: { id: string; title: string }[]): JobHandle {
    const job: Job = {
      id: randomUUID(),
      kind,
      title,
      lab,
      state: 'running',
      steps: steps.map((s) => ({ ...s, state: 'pending', detail: '', startedAt: null, finishedAt: null })),
      progress: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      pid: process.pid,
      log: [],
    }
    const handle = new JobHandle(job, async (snapshot) => {
      await writeFileAtomic(join(this.dir, `${snapshot.id}.json`), JSON.stringify(snapshot, null, 2))
      this.bus.emit('job.updated', snapshot)
      if (snapshot.state !== 'running') this.running.delete(snapshot.id)
    })
    this.running.set(job.id, handle)
    return handle
  }

  cancel(id: string): boolean {
    const handle = this.running.get(id)
    if (!handle) return false
    handle.abort.abort()
    return true
  }

  /**
   * Every job on disk, newest first. Jobs marked running by an engine that is gone are interrupted; those of
   * another engine process that is alive are running (there, not here: this one cannot cancel them).
   */
  async list(): Promise<Job[]> {
    let names: string[] = []
    try {
      names = await readdir(this.dir)
    } catch {
      names = []
    }
    // Jobs of this engine come from memory (always current), the rest from disk.
    const jobs: Job[] = [...this.running.values()].map((h) => structuredClone(h.job))
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        const job = Job.parse(JSON.parse(await readFile(join(this.dir, name), 'utf8')))
        if (this.running.has(job.id)) continue
        // Running in another live engine process (a `stacklab lab create` in a terminal) is still running.
        if (job.state === 'running' && !(job.pid && job.pid !== process.pid && alive(job.pid)))
          job.state = 'interrupted'
        jobs.push(job)
      } catch {
        /* a damaged job file is skipped, not fatal */
      }
    }
    return jobs.sort((a, b) => b.startedAt.localeCompare(a.startedAt))
  }

  /** Mark, on disk, jobs a dead engine left running. */
  async markInterrupted(): Promise<Job[]> {
    const found = (await this.list()).filter((j) => j.state === 'interrupted')
    for (const job of found) {
      for (const s of job.steps) if (s.state === 'running') s.state = 'failed'
      job.finishedAt = new Date().toISOString()
      job.error = {
        message: 'Stacklab stopped while this job was running',
        fix:
          job.kind === 'lab.install' || job.kind === 'lab.retry'
            ? `stacklab install ${job.lab} (packstack goes on by itself on the controller; this reattaches)`
            : `stacklab lab resume ${job.lab}`,
      }
      job.log = [...job.log, `${job.finishedAt.slice(11, 19)} interrupted: ${job.error.message}`].slice(
        -JOB_LOG_LINES,
      )
      await writeFileAtomic(join(this.dir, `${job.id}.json`), JSON.stringify(job, null, 2))
    }
    return found
  }
}
