// Long work seen from outside the window: one progress figure for the running jobs (tab title, taskbar),
// the update that ends a job (a notification), and what the title and notification say in both languages.
// The taskbar tracker is driven through the engine's real event bus, with jobs the contract accepts.
import { describe, expect, it } from 'vitest'
import { jobEnded, runningWork } from '../../src-shared/job-progress'
import type { Job } from '../../src-shared/jobs'
import { EventBus } from '../../src-main/engine/events'
import { trackJobProgress } from '../../src-main/host/taskbar'
import { endingNotice, titleFor } from '../../src-renderer/src/components/attention-words'

const job = (id: string, over: Partial<Job> = {}): Job => ({
  id,
  kind: 'lab.create',
  title: `Create lab ${id}`,
  lab: id,
  state: 'running',
  steps: [],
  progress: 0,
  startedAt: `2026-11-30T00:00:0${id.length}.000Z`,
  finishedAt: null,
  error: null,
  pid: 1,
  log: [],
  ...over,
})

describe('running work', () => {
  it('is the mean progress of the running jobs, oldest first, and nothing when none runs', () => {
    expect(runningWork([])).toBeNull()
    expect(runningWork([job('a', { state: 'failed', progress: 0.3 })])).toBeNull()
    const work = runningWork([
      job('bb', { progress: 0.8 }),
      job('a', { progress: 0.2 }),
      job('c', { state: 'succeeded', progress: 1 }),
    ])
    expect(work?.progress).toBeCloseTo(0.5)
    expect(work?.running.map((j) => j.id)).toEqual(['a', 'bb'])
  })

  it('announces a job only when it is seen ending, not one listed already ended', () => {
    expect(jobEnded(job('a'), job('a', { state: 'failed' }))).toBe(true)
    expect(jobEnded(job('a'), job('a', { progress: 0.5 }))).toBe(false)
    expect(jobEnded(undefined, job('a', { state: 'succeeded' }))).toBe(false)
    expect(jobEnded(job('a', { state: 'failed' }), job('a', { state: 'failed' }))).toBe(false)
  })
})

describe('the taskbar', () => {
  it('follows the engine’s job events and clears when the last job ends', () => {
    const bus = new EventBus()
    const shown: number[] = []
    const stop = trackJobProgress(bus, (p) => shown.push(p))
    bus.emit('job.updated', job('a', { progress: 0.25 }))
    bus.emit('job.updated', job('a', { progress: 0.25, log: ['same figure: not set again'] }))
    bus.emit('job.updated', job('bb', { progress: 0.75 }))
    bus.emit('job.updated', job('a', { state: 'succeeded', progress: 1 }))
    bus.emit('job.updated', job('bb', { state: 'failed', progress: 0.9 }))
    stop()
    bus.emit('job.updated', job('c', { progress: 0.1 }))
    expect(shown).toEqual([0.25, 0.5, 0.75, -1])
  })
})

describe('the tab title and the notification', () => {
  it('says the progress and the job in the learner’s language', () => {
    expect(titleFor([], 'en')).toBe('Stacklab')
    expect(titleFor([job('lab1', { progress: 0.424 })], 'en')).toBe('42% · Create lab lab1 — Stacklab')
    expect(titleFor([job('lab1', { progress: 0.424 })], 'ko')).toBe('42% · 랩 lab1 만들기 — Stacklab')
    expect(titleFor([job('a', { progress: 0.2 }), job('bb', { progress: 0.4 })], 'ko')).toBe(
      '30% · 작업 2개 — Stacklab',
    )
  })

  it('says how a job ended, with its error translated', () => {
    const failed = job('lab1', {
      kind: 'lab.install',
      state: 'failed',
      error: {
        message: 'sh failed (exit 4): boom',
        code: 'exec.exit',
        params: { program: 'sh', exitCode: 4, stderr: 'boom' },
      },
    })
    expect(endingNotice(failed, 'en')).toEqual({
      title: 'Failed: Install OpenStack on lab1',
      body: 'sh failed (exit 4): boom',
    })
    expect(endingNotice(failed, 'ko').body).toBe('sh 실패(종료 코드 4): boom')
    expect(endingNotice(job('lab1', { state: 'succeeded' }), 'en')).toEqual({
      title: 'Done: Create lab lab1',
      body: '',
    })
  })
})
