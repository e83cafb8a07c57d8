// Jobs keep a bounded log of what happened: steps started and finished, their details, the end and its fix;
// the log is saved with the job and announced with it, and job files written before the log existed load.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { JOB_LOG_LINES, Job } from '../../src-shared/jobs'
import { EventBus } from '../../src-main/engine/events'
import { JobRunner } from '../../src-main/engine/jobs'
import { tempDir } from '../helpers'

let t: ReturnType<typeof tempDir> | undefined
afterEach(() => t?.cleanup())

describe('job log', () => {
  it('records steps, details and the end with its fix, saved and announced', async () => {
    t = tempDir()
    const bus = new EventBus()
    const seen: Job[] = []
    bus.on('job.updated', (j) => seen.push(j))
    const runner = new JobRunner(t.dir, bus)
    const job = runner.create('lab.create', 'lab1', 'Create lab lab1', [
      { id: 'a', title: 'Step A' },
      { id: 'b', title: 'Step B' },
    ])
    await job.start('a')
    await job.detail('a', 'controller: working')
    await job.detail('a', 'controller: working') // the same detail again is not a new line
    await job.finish('a')
    await job.start('b')
    await job.end('failed', { message: 'it broke', fix: 'do this' })
    const lines = job.job.log.map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''))
    expect(lines).toEqual([
      'Step A: started',
      'Step A: controller: working',
      'Step A: done',
      'Step B: started',
      'failed: it broke',
      'fix: do this',
    ])
    expect(job.job.log[0]).toMatch(/^\d\d:\d\d:\d\d /)
    expect(seen.at(-1)!.log).toEqual(job.job.log)
    const onDisk = Job.parse(JSON.parse(readFileSync(join(t.dir, 'jobs', `${job.job.id}.json`), 'utf8')))
    expect(onDisk.log).toEqual(job.job.log)
  })

  it(`keeps only the newest ${JOB_LOG_LINES} lines`, async () => {
    t = tempDir()
    const runner = new JobRunner(t.dir, new EventBus())
    const job = runner.create('lab.delete', 'lab1', 'Delete', [{ id: 'a', title: 'A' }])
    await job.start('a')
    for (let i = 0; i < JOB_LOG_LINES + 50; i++) await job.detail('a', `line ${i}`)
    expect(job.job.log).toHaveLength(JOB_LOG_LINES)
    expect(job.job.log.at(-1)).toMatch(new RegExp(`A: line ${JOB_LOG_LINES + 49}$`))
    expect(Job.parse(job.job).log).toHaveLength(JOB_LOG_LINES)
  })

  it("loads job files without a log, and marks a dead engine's job interrupted in its log", async () => {
    t = tempDir()
    const runner = new JobRunner(t.dir, new EventBus())
    const job = runner.create('lab.create', 'lab2', 'Create lab lab2', [{ id: 'a', title: 'A' }])
    await job.start('a')
    const file = join(t.dir, 'jobs', `${job.job.id}.json`)
    const old = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    delete old['log']
    writeFileSync(file, JSON.stringify(old))
    const fresh = new JobRunner(t.dir, new EventBus()) // another engine: the job is not its own
    const [marked] = await fresh.markInterrupted()
    expect(marked!.state).toBe('interrupted')
    expect(marked!.log).toHaveLength(1)
    expect(marked!.log[0]).toMatch(/interrupted: Stacklab stopped while this job was running$/)
    const [listed] = await fresh.list()
    expect(listed!.log).toEqual(marked!.log)
  })
})

describe('jobs of other engine processes', () => {
  it('are running while that process lives, and interrupted once it is gone', async () => {
    t = tempDir()
    const runner = new JobRunner(t.dir, new EventBus())
    const job = runner.create('lab.create', 'lab3', 'Create lab lab3', [{ id: 'a', title: 'A' }])
    await job.start('a')
    expect(job.job.pid).toBe(process.pid)
    // Pretend the job file was written by another live process: a real one, started here.
    const other = spawn('sleep', ['30'], { stdio: 'ignore' })
    const file = join(t.dir, 'jobs', `${job.job.id}.json`)
    writeFileSync(file, JSON.stringify({ ...job.job, pid: other.pid }))
    const elsewhere = new JobRunner(t.dir, new EventBus())
    expect((await elsewhere.list())[0]!.state).toBe('running')
    expect(await elsewhere.markInterrupted()).toEqual([])
    expect(elsewhere.cancel(job.job.id)).toBe(false)
    other.kill('SIGKILL')
    await new Promise((r) => other.once('exit', r))
    expect((await elsewhere.list())[0]!.state).toBe('interrupted')
  })
})
