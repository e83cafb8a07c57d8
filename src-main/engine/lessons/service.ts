// Lessons on labs: list and read them, check a task (or all) on the lab's nodes, reveal hints one at a time,
// and three jobs: start (bring the lab to where the lesson begins, then checkpoint `lesson-<id>`), solve
// ("do it for me": the solution, the check, then the negative checks) and reset (back to the checkpoint).
// Everything is refused before it changes anything unless the lab is ready for the lesson and has no job.
import type { Client } from 'ssh2'
import { ApiError } from '../../../src-shared/errors'
import type { Job } from '../../../src-shared/jobs'
import {
  lessonCheckpoint,
  type CheckReport,
  type Lesson,
  type LessonProgress,
  type LessonSummary,
  type Task,
  type TaskResult,
  type Text,
} from '../../../src-shared/lesson'
import { installerOf, type LabState } from '../../../src-shared/lab'
import { unfitFor } from '../../../src-shared/lesson-fit'
import { EngineFailure } from '../../../src-shared/failures'
import { Cancelled, type JobHandle, type JobRunner } from '../jobs'
import { presetOf, restoreCheckpoint, type LabEnv } from '../lab/env'
import { syncClocks } from '../lab/node-ssh'
import { domainName } from '../lab/provision-node'
import { checkpointCreate, checkpointDelete, checkpointList } from '../libvirt/checkpoint'
import { maskGuest } from '../secrets'
import type { BrokenLesson, LessonCatalog } from './catalog'
import { freshTask, type ProgressStore } from './progress'
import { CannotCheck, NodeLinks, runCheck, runSteps } from './remote'

export interface LessonDeps {
  catalog: LessonCatalog
  env: () => Promise<LabEnv>
  jobs: JobRunner
  get: (name: string) => Promise<LabState>
  /** The lab service's one-job-per-lab lock. */
  claim: (name: string, state: LabState, work: () => Promise<void>) => void
  busy: (name: string, state: LabState) => void
  progress: ProgressStore
}

/** What keeps the lab from taking the lesson, in plain words (empty: it fits). */
export function misfits(state: LabState, lesson: Lesson): string[] {
  const name = state.definition.name
  const summary = {
    status: state.status,
    preset: state.definition.preset,
    nodes: state.definition.nodes.map((n) => ({ name: n.name, role: n.role, address: '', domain: null })),
  }
  return unfitFor(lesson.needs, summary, state)
    .filter((u) => u.why !== 'notReady') // said on its own, with the lab's status
    .map((u) => {
      switch (u.why) {
        case 'packstack':
        case 'packages':
          return `lab ${name} installs OpenStack with ${installerOf(presetOf(state))}; this lesson is for ${lesson.needs.installers.join(' or ')} labs`
        case 'openstack':
          return `OpenStack is not installed on lab ${name} yet (stacklab install ${name})`
        case 'role':
          return `lab ${name} has no ${u.role} node; this lesson needs one`
        case 'node':
          return `lab ${name} has no ${u.role} node named ${u.name}; this lesson joins one by hand: add it first without joining it (stacklab lab add-node ${name} FILE --no-join, or "Add compute node" on the Install page with "Join it to OpenStack" unchecked)`
      }
    })
}

const domainsOf = (state: LabState) => state.definition.nodes.map((n) => domainName(state.definition, n))

/** A task's verdict from its checks: could not check wins over not yet, which wins over passed. */
function combine(task: string, parts: Pick<TaskResult, 'verdict' | 'findings' | 'problem'>[]): TaskResult {
  const verdict = parts.some((p) => p.verdict === 'could-not-check')
    ? 'could-not-check'
    : parts.some((p) => p.verdict === 'not-yet')
      ? 'not-yet'
      : 'passed'
  const problem = parts.find((p) => p.problem)?.problem ?? null
  return { task, verdict, findings: parts.flatMap((p) => p.findings), problem }
}

/**
 * Every check of a task, in order; one that could not be checked ends it (the rest would fail the same way).
 * After one that is not yet, the rest still say what they see, but do not wait.
 */
async function checkTask(
  links: NodeLinks,
  state: LabState,
  task: Task,
  signal?: AbortSignal,
): Promise<TaskResult> {
  const parts: Pick<TaskResult, 'verdict' | 'findings' | 'problem'>[] = []
  for (const check of task.check) {
    const r = await runCheck(
      links,
      state,
      check,
      signal,
      parts.every((p) => p.verdict === 'passed'),
    )
    parts.push(r)
    if (r.verdict === 'could-not-check') break
  }
  return combine(task.id, parts)
}

/** The findings that do not hold, in English, for a job's error. */
function missingOf(r: TaskResult): string {
  if (r.problem) return r.problem
  return r.findings
    .filter((f) => !f.ok)
    .map((f) => `${f.says.en}${f.seen ? ` (seen: ${f.seen})` : ''}`)
    .join('; ')
}

class StepFailed extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message)
    this.name = 'StepFailed'
  }
}

export class LessonService {
  constructor(private readonly deps: LessonDeps) {}

  list(): Promise<LessonSummary[]> {
    return this.deps.catalog.list()
  }

  get(id: string): Promise<Lesson> {
    return this.deps.catalog.get(id)
  }

  /** The lesson files left out, with their problems (for `stacklab lesson list` and lesson authors). */
  async broken(): Promise<BrokenLesson[]> {
    return (await this.deps.catalog.load()).broken
  }

  /** The lesson and the lab, each refused by name when unknown; the task too when one is named. */
  private async resolve(lab: string, lessonId: string, taskId?: string) {
    const lesson = await this.deps.catalog.get(lessonId)
    const task = taskId === undefined ? undefined : lesson.tasks.find((t) => t.id === taskId)
    if (taskId !== undefined && !task)
      throw new ApiError({
        code: 'not-found',
        message: `lesson ${lesson.id} has no task "${taskId}" (tasks: ${lesson.tasks.map((t) => t.id).join(', ')})`,
        issues: [{ path: 'task', message: 'not a task of this lesson' }],
      })
    const state = await this.deps.get(lab)
    return { lesson, task, state }
  }

  async progress(lab: string, lessonId: string): Promise<LessonProgress> {
    const { lesson } = await this.resolve(lab, lessonId)
    return this.deps.progress.get(lab, lesson)
  }

  async hint(
    lab: string,
    lessonId: string,
    taskId: string,
  ): Promise<{ hint: Text | null; shown: number; total: number }> {
    const { lesson, task } = await this.resolve(lab, lessonId, taskId)
    const total = task!.hints.length
    let hint: Text | null = null
    const p = await this.deps.progress.update(lab, lesson, (p) => {
      const t = p.tasks[task!.id]!
      if (t.hintsShown < total) {
        hint = task!.hints[t.hintsShown]!
        t.hintsShown += 1
      }
    })
    return { hint, shown: p.tasks[task!.id]!.hintsShown, total }
  }

  /** Check one task or every task; the verdicts are kept. Never a job: it only reads the lab. */
  async check(lab: string, lessonId: string, taskId?: string): Promise<CheckReport> {
    const { lesson, task, state } = await this.resolve(lab, lessonId, taskId)
    const tasks = task ? [task] : lesson.tasks
    const problems = misfits(state, lesson)
    const env = await this.deps.env()
    let results: TaskResult[]
    if (state.status !== 'ready' || problems.length) {
      const problem =
        state.status !== 'ready' ? `lab ${lab} is ${state.status}, not ready` : problems.join('; ')
      results = tasks.map((t) => ({ task: t.id, verdict: 'could-not-check', findings: [], problem }))
    } else {
      const links = new NodeLinks(env.store.files(lab), state)
      try {
        results = []
        for (const t of tasks) results.push(await checkTask(links, state, t))
      } finally {
        links.close()
      }
    }
    const checkedAt = new Date().toISOString()
    await this.deps.progress.update(lab, lesson, (p) => {
      for (const r of results) Object.assign(p.tasks[r.task]!, { verdict: r.verdict, checkedAt })
    })
    return { lab, lesson: lesson.id, checkedAt, results }
  }

  /** Refusals every job shares: the lab ready, fitting the lesson, and free. */
  private ready(state: LabState, lesson: Lesson): void {
    const name = state.definition.name
    this.deps.busy(name, state)
    if (state.status !== 'ready')
      throw new ApiError({
        code: 'invalid-state',
        message: `lab ${name} is ${state.status}: lessons run on a ready lab`,
      })
    const problems = misfits(state, lesson)
    if (problems.length)
      throw new ApiError({
        code: 'invalid-state',
        message: `lesson ${lesson.id} cannot run on lab ${name}: ${problems.join('; ')}`,
      })
  }

  /** Run `work` as the lab's one job, ending it succeeded, cancelled or failed (its message masked). */
  private launch(state: LabState, job: JobHandle, work: () => Promise<void>): Job {
    this.deps.claim(state.definition.name, state, async () => {
      try {
        await work()
        await job.end('succeeded')
      } catch (error) {
        if (error instanceof Cancelled || job.signal.aborted) return job.end('cancelled')
        const message = maskGuest((error as Error).message)
        const fix = error instanceof StepFailed || error instanceof EngineFailure ? error.fix : undefined
        await job.end('failed', { message, ...(fix ? { fix: maskGuest(fix) } : {}) })
      }
    })
    return structuredClone(job.job)
  }

  private async step(job: JobHandle, id: string, work: () => Promise<string>): Promise<void> {
    await job.start(id)
    await job.finish(id, 'done', await work())
  }

  /** The lessons `lesson` follows, the earliest first. */
  private async chain(lesson: Lesson): Promise<Lesson[]> {
    const before: Lesson[] = []
    for (let at = lesson.after; at;) {
      const l = await this.deps.catalog.get(at)
      before.unshift(l)
      at = l.after
    }
    return before
  }

  async start(lab: string, lessonId: string): Promise<Job> {
    const { lesson, state } = await this.resolve(lab, lessonId)
    this.ready(state, lesson)
    const before = await this.chain(lesson)
    for (const l of before) this.ready(state, l)
    const env = await this.deps.env()
    const name = lessonCheckpoint(lesson.id)
    const job = this.deps.jobs.create('lesson.start', lab, `Start lesson ${lesson.id} on ${lab}`, [
      ...before.map((l) => ({ id: `after-${l.id}`, title: `Finish lesson ${l.id} where it is not done` })),
      { id: 'checkpoint', title: `Checkpoint "${name}"` },
      { id: 'record', title: 'Record the start' },
    ])
    return this.launch(state, job, async () => {
      const links = new NodeLinks(env.store.files(lab), state, job.signal)
      try {
        for (const l of before)
          await this.step(job, `after-${l.id}`, async () => {
            const ran: string[] = []
            for (const t of l.tasks) {
              job.throwIfCancelled()
              const r = await checkTask(links, state, t, job.signal)
              if (r.verdict === 'passed') continue
              if (r.verdict === 'could-not-check')
                throw new StepFailed(`lesson ${l.id}, task ${t.id}: ${r.problem}`)
              await runSteps(links, state, t.solve, (text) => job.detail(`after-${l.id}`, text))
              const again = await checkTask(links, state, t, job.signal)
              if (again.verdict !== 'passed')
                throw new StepFailed(
                  `lesson ${l.id}, task ${t.id}: its solution ran but its check does not pass: ${missingOf(again)}`,
                )
              ran.push(t.id)
            }
            return ran.length ? `solutions run: ${ran.join(', ')}` : 'every task already passes'
          })
      } finally {
        links.close()
      }
      await this.step(job, 'checkpoint', async () => {
        const domains = domainsOf(state)
        const present = await checkpointList(env.virsh, domains)
        const replaced = present.some((c) => c.name === name)
        if (replaced) await checkpointDelete(env.virsh, domains, name)
        job.throwIfCancelled()
        await checkpointCreate(env.virsh, domains, name, `Stacklab: start of lesson ${lesson.id}`)
        return replaced ? 'taken (the older one of this lesson replaced)' : 'taken'
      })
      await this.step(job, 'record', async () => {
        await this.deps.progress.update(lab, lesson, (p) => {
          p.startedAt = new Date().toISOString()
          p.checkpoint = name
          for (const t of Object.values(p.tasks))
            Object.assign(t, { ...freshTask(), hintsShown: t.hintsShown })
        })
        return 'progress starts here (hints already shown stay shown)'
      })
    })
  }

  async reset(lab: string, lessonId: string): Promise<Job> {
    const { lesson, state } = await this.resolve(lab, lessonId)
    this.ready(state, lesson)
    const progress = await this.deps.progress.get(lab, lesson)
    if (!progress.checkpoint)
      throw new ApiError({
        code: 'invalid-state',
        message: `lesson ${lesson.id} was never started on lab ${lab}: there is no checkpoint to go back to (stacklab lesson start ${lab} ${lesson.id})`,
      })
    const env = await this.deps.env()
    const domains = domainsOf(state)
    const checkpoint = progress.checkpoint
    if (!(await checkpointList(env.virsh, domains)).some((c) => c.name === checkpoint))
      throw new ApiError({
        code: 'invalid-state',
        message: `lab ${lab} no longer has the checkpoint "${checkpoint}" of lesson ${lesson.id}; start the lesson again`,
      })
    const job = this.deps.jobs.create('lesson.reset', lab, `Reset lesson ${lesson.id} on ${lab}`, [
      { id: 'restore', title: `Restore checkpoint "${checkpoint}"` },
      { id: 'clocks', title: "Set the nodes' clocks" },
      { id: 'record', title: 'Progress starts over' },
    ])
    return this.launch(state, job, async () => {
      await this.step(job, 'restore', async () => {
        await restoreCheckpoint(env, domains, checkpoint)
        return `every node is back at "${checkpoint}"`
      })
      // A restored guest's clock is the checkpoint's moment: Keystone's tokens would be refused.
      await this.step(job, 'clocks', async () => {
        const links = new NodeLinks(env.store.files(lab), state, job.signal)
        try {
          const clients = new Map<string, Client>()
          for (const n of state.definition.nodes) {
            const c = await links.client(n.name).catch((e: unknown) => {
              if (e instanceof CannotCheck) return null
              throw e
            })
            if (c) clients.set(n.name, c)
          }
          return await syncClocks(clients)
        } finally {
          links.close()
        }
      })
      await this.step(job, 'record', async () => {
        await this.deps.progress.update(lab, lesson, (p) => {
          for (const t of Object.values(p.tasks))
            Object.assign(t, { ...freshTask(), hintsShown: t.hintsShown })
        })
        return 'verdicts cleared (hints already shown stay shown)'
      })
    })
  }

  async solve(lab: string, lessonId: string, taskId: string): Promise<Job> {
    const { lesson, task, state } = await this.resolve(lab, lessonId, taskId)
    const t = task!
    this.ready(state, lesson)
    const env = await this.deps.env()
    const job = this.deps.jobs.create(
      'lesson.solve',
      lab,
      `Do task ${t.id} of lesson ${lesson.id} on ${lab}`,
      [
        { id: 'solve', title: `Run the solution: ${t.title.en}` },
        { id: 'check', title: 'Check the task' },
        ...t.negative.map((n, i) => ({ id: `negative-${i + 1}`, title: `Negative check: ${n.title.en}` })),
      ],
    )
    return this.launch(state, job, async () => {
      const links = new NodeLinks(env.store.files(lab), state, job.signal)
      const record = (r: TaskResult, solved: boolean) =>
        this.deps.progress.update(lab, lesson, (p) => {
          Object.assign(p.tasks[t.id]!, {
            verdict: r.verdict,
            checkedAt: new Date().toISOString(),
            ...(solved ? { solvedByStacklab: true } : {}),
          })
        })
      try {
        await this.step(job, 'solve', async () => {
          await runSteps(links, state, t.solve, (text) => job.detail('solve', text))
          return `${t.solve.reduce((n, s) => n + s.run.length, 0)} commands ran`
        })
        await this.step(job, 'check', async () => {
          const r = await checkTask(links, state, t, job.signal)
          await record(r, true)
          if (r.verdict !== 'passed')
            throw new StepFailed(`the solution ran, but the check does not pass: ${missingOf(r)}`)
          return 'passes'
        })
        for (const [i, n] of t.negative.entries()) {
          const id = `negative-${i + 1}`
          await this.step(job, id, async () => {
            await runSteps(links, state, n.break, (text) => job.detail(id, `break: ${text}`))
            let held: Awaited<ReturnType<typeof runCheck>>
            try {
              held = await runCheck(links, state, n.check, job.signal)
            } finally {
              // Mended whatever the negative check said: the lab is left as the solution made it.
              await runSteps(links, state, n.mend, (text) => job.detail(id, `mend: ${text}`))
            }
            if (held.verdict === 'could-not-check') throw new StepFailed(`${n.title.en}: ${held.problem}`)
            if (held.verdict === 'passed')
              throw new StepFailed(
                `${n.title.en}: the check still holds after the break, so it does not prove the task`,
              )
            const again = await checkTask(links, state, t, job.signal)
            await record(again, true)
            if (again.verdict !== 'passed')
              throw new StepFailed(
                `${n.title.en}: after the mend the task's check does not pass: ${missingOf(again)}`,
              )
            return `broken: the check failed as it should (${held.findings.find((f) => !f.ok)?.seen ?? ''}); mended: passes again`
          })
        }
      } finally {
        links.close()
      }
    })
  }
}
