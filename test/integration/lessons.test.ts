// Lessons through the engine API on a lab whose node is a real OpenSSH server on this host and whose VM is
// a libvirt test-driver domain of the lab's name (so start and reset take and restore real checkpoints).
// The lessons are test/fixtures/lessons (STACKLAB_LESSONS_DIR): their checks are plain shell working in a
// folder the sshd gives every session (SetEnv LESSON_DIR). Check is "not yet" on a fresh lab, hints come
// one at a time, "do it for me" passes a task (with its negative check), progress survives a new engine,
// and a node that does not answer is "could not check".
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Job } from '../../src-shared/jobs'
import { startConsoleLab, type ConsoleLab } from '../harness/console-lab'
import { jobFinished, tempPaths, testEngine } from '../helpers'
import { testDriverBed } from './test-driver'

const bed = testDriverBed()
const FIXTURES = join(__dirname, '../fixtures/lessons')
let lab: ConsoleLab
let work: string
let name: string
const savedDir = process.env['STACKLAB_LESSONS_DIR']

beforeAll(async () => {
  process.env['STACKLAB_LESSONS_DIR'] = FIXTURES
  work = mkdtempSync(join(tmpdir(), 'stacklab-lesson-work-'))
  name = `les${Math.random().toString(36).slice(2, 8)}`
  lab = await startConsoleLab(tempPaths(bed.dir).data, name, 'controller', `SetEnv LESSON_DIR=${work}`)
  await bed.define(`${name}-controller`, '52:54:00:00:15:01')
  await bed.call('domain.start', { name: `${name}-controller` })
})
afterAll(async () => {
  await lab?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
  if (savedDir === undefined) delete process.env['STACKLAB_LESSONS_DIR']
  else process.env['STACKLAB_LESSONS_DIR'] = savedDir
})

/** Run a job to its end; the lab's lock is free again afterwards. */
async function finished(job: Job): Promise<Job> {
  const done = await jobFinished(bed.engine, job.id)
  await bed.engine.labs.settled(name)
  return done
}

describe('lessons on a lab', () => {
  it('lists the fixture lessons without their commands, and gives one whole', async () => {
    const list = await bed.call('lessons.list', {})
    expect(list.map((l) => l.id)).toEqual([
      'admin-only',
      'files-basics',
      'follow-up',
      'needs-node',
      'waiting',
    ])
    expect(JSON.stringify(list)).not.toContain('LESSON_DIR')
    const lesson = await bed.call('lesson.get', { id: 'files-basics' })
    expect(lesson.tasks.map((t) => t.id)).toEqual(['make-file', 'list-items'])
  })

  it('a fresh lab: every task is not yet, with what is missing and what was seen', async () => {
    const report = await bed.call('lesson.check', { lab: name, lesson: 'files-basics' })
    expect(report.results.map((r) => r.verdict)).toEqual(['not-yet', 'not-yet'])
    const [file, items] = report.results
    expect(file!.findings[0]).toMatchObject({
      ok: false,
      says: { en: 'state.json does not say the colour is blue.' },
    })
    expect(file!.findings[0]!.seen).toMatch(/No such file or directory \(exit status 1\)$/)
    expect(items!.findings[0]!.seen).toMatch(/FileNotFoundError/)
    const progress = await bed.call('lesson.progress', { lab: name, lesson: 'files-basics' })
    expect(progress.tasks['make-file']).toMatchObject({
      verdict: 'not-yet',
      hintsShown: 0,
      solvedByStacklab: false,
    })
    expect(progress.startedAt).toBeNull()
  })

  it('a learner who does part of it: one condition holds, the other is said', async () => {
    writeFileSync(join(work, 'state.json'), '{"color": "Blue", "size": 1}')
    const report = await bed.call('lesson.check', { lab: name, lesson: 'files-basics', task: 'make-file' })
    expect(report.results).toHaveLength(1)
    expect(report.results[0]!.verdict).toBe('not-yet')
    expect(report.results[0]!.findings.map((f) => [f.ok, f.seen])).toEqual([
      [true, 'Blue'],
      [false, '1'],
    ])
    expect(report.results[0]!.findings[1]!.says.ko).toBe('state.json 의 크기가 2 보다 작습니다.')
  })

  it('hints come one at a time, then none', async () => {
    const input = { lab: name, lesson: 'files-basics', task: 'make-file' }
    const first = await bed.call('lesson.hint', input)
    expect(first).toEqual({
      hint: { en: 'The file lives in $LESSON_DIR.', ko: '파일은 $LESSON_DIR 에 있습니다.' },
      shown: 1,
      total: 2,
    })
    expect((await bed.call('lesson.hint', input)).hint?.en).toBe('Use printf with the JSON text.')
    expect(await bed.call('lesson.hint', input)).toEqual({ hint: null, shown: 2, total: 2 })
    expect(await bed.call('lesson.hint', { ...input, task: 'list-items' })).toEqual({
      hint: null,
      shown: 0,
      total: 0,
    })
  })

  it('"do it for me" runs the solution, the check, and the negative check; the task passes', async () => {
    const job = await finished(
      await bed.call('lesson.solve', { lab: name, lesson: 'files-basics', task: 'make-file' }),
    )
    expect(job.error).toBeNull()
    expect(job.state).toBe('succeeded')
    expect(job.steps.map((s) => [s.id, s.state])).toEqual([
      ['solve', 'done'],
      ['check', 'done'],
      ['negative-1', 'done'],
    ])
    expect(job.steps[2]!.detail).toMatch(
      /^broken: the check failed as it should \(.*No such file.*\); mended: passes again$/,
    )
    // Mended: the file is where the solution put it, not where the break moved it.
    expect(existsSync(join(work, 'state.json'))).toBe(true)
    expect(existsSync(join(work, 'state.away'))).toBe(false)
    const progress = await bed.call('lesson.progress', { lab: name, lesson: 'files-basics' })
    expect(progress.tasks['make-file']).toMatchObject({
      verdict: 'passed',
      solvedByStacklab: true,
      hintsShown: 2,
    })
    const report = await bed.call('lesson.check', { lab: name, lesson: 'files-basics' })
    expect(report.results.map((r) => r.verdict)).toEqual(['passed', 'not-yet'])
  })

  it('a solution step that fails stops the job with its command and error', async () => {
    rmSync(join(work), { recursive: true, force: true })
    writeFileSync(work, 'a file where the folder was') // mkdir -p now fails
    try {
      const job = await finished(
        await bed.call('lesson.solve', { lab: name, lesson: 'files-basics', task: 'make-file' }),
      )
      expect(job.state).toBe('failed')
      expect(job.error?.message).toMatch(
        /^"mkdir -p "\$LESSON_DIR"" on controller failed \(exit status 1\): mkdir: .*File exists/,
      )
      expect(job.steps.map((s) => s.state)).toEqual(['failed', 'pending', 'pending'])
    } finally {
      rmSync(work, { force: true })
    }
    // Put it back for the tests that follow.
    await finished(await bed.call('lesson.solve', { lab: name, lesson: 'files-basics', task: 'make-file' }))
  })

  it('progress survives a new engine', async () => {
    const again = testEngine(bed.dir)
    try {
      const p = await again.api.call('lesson.progress', { lab: name, lesson: 'files-basics' })
      expect(p.tasks['make-file']).toMatchObject({ verdict: 'passed', solvedByStacklab: true, hintsShown: 2 })
      expect(p.tasks['list-items']).toMatchObject({ verdict: 'not-yet', solvedByStacklab: false })
    } finally {
      await again.close()
    }
  })

  it('without admin credentials on the node, an admin check could not check, in plain words', async () => {
    const report = await bed.call('lesson.check', { lab: name, lesson: 'admin-only' })
    expect(report.results[0]).toMatchObject({
      verdict: 'could-not-check',
      findings: [],
    })
    // The lab's own kind first (this preset installs with packstack).
    expect(report.results[0]!.problem).toBe(
      'controller has no OpenStack admin credentials (looked for /root/keystonerc_admin and /root/admin-openrc): is OpenStack installed?',
    )
  })
})

describe('start and reset with a checkpoint', () => {
  it('reset before start is refused, before anything changes', async () => {
    const e = await bed.refused('lesson.reset', { lab: name, lesson: 'follow-up' })
    expect(e.code).toBe('invalid-state')
    expect(e.message).toBe(
      `lesson follow-up was never started on lab ${name}: there is no checkpoint to go back to (stacklab lesson start ${name} follow-up)`,
    )
    expect(await bed.call('checkpoints.list', { domains: [`${name}-controller`] })).toEqual([])
  })

  it('start finishes the earlier lesson where it is not done, then takes the checkpoint', async () => {
    const job = await finished(await bed.call('lesson.start', { lab: name, lesson: 'follow-up' }))
    expect(job.error).toBeNull()
    expect(job.steps.map((s) => [s.id, s.state, s.detail])).toEqual([
      ['after-files-basics', 'done', 'solutions run: list-items'],
      ['checkpoint', 'done', 'taken'],
      ['record', 'done', 'progress starts here (hints already shown stay shown)'],
    ])
    expect(existsSync(join(work, 'items'))).toBe(true)
    const cps = await bed.call('checkpoints.list', { domains: [`${name}-controller`] })
    expect(cps.map((c) => [c.name, c.complete])).toEqual([['lesson-follow-up', true]])
    const p = await bed.call('lesson.progress', { lab: name, lesson: 'follow-up' })
    expect(p.checkpoint).toBe('lesson-follow-up')
    expect(p.startedAt).not.toBeNull()
  })

  it('start again replaces the checkpoint; reset restores it and progress starts over', async () => {
    const again = await finished(await bed.call('lesson.start', { lab: name, lesson: 'follow-up' }))
    expect(again.steps.map((s) => s.detail)).toEqual([
      'every task already passes',
      'taken (the older one of this lesson replaced)',
      'progress starts here (hints already shown stay shown)',
    ])
    expect(
      (await bed.call('checkpoints.list', { domains: [`${name}-controller`] })).map((c) => c.name),
    ).toEqual(['lesson-follow-up'])
    await finished(await bed.call('lesson.solve', { lab: name, lesson: 'follow-up', task: 'note' }))
    expect(
      (await bed.call('lesson.progress', { lab: name, lesson: 'follow-up' })).tasks['note']!.verdict,
    ).toBe('passed')
    // The VM goes off: the restore brings it back running, as it was at the checkpoint.
    await bed.call('domain.forceOff', { name: `${name}-controller` })
    const reset = await finished(await bed.call('lesson.reset', { lab: name, lesson: 'follow-up' }))
    expect(reset.error).toBeNull()
    expect(reset.steps.map((s) => [s.id, s.state])).toEqual([
      ['restore', 'done'],
      ['clocks', 'done'],
      ['record', 'done'],
    ])
    expect((await bed.call('domain.get', { name: `${name}-controller` })).state).toBe('running')
    const p = await bed.call('lesson.progress', { lab: name, lesson: 'follow-up' })
    expect(p.tasks['note']).toMatchObject({ verdict: null, solvedByStacklab: false })
    expect(p.checkpoint).toBe('lesson-follow-up')
  })

  it('a lesson naming a node the lab lacks: refused with how to add it, and could not check, before any change', async () => {
    const e = await bed.refused('lesson.start', { lab: name, lesson: 'needs-node' })
    expect(e.message).toBe(
      `lesson needs-node cannot run on lab ${name}: lab ${name} has no compute node named compute1; this lesson joins one by hand: add it first without joining it (stacklab lab add-node ${name} FILE --no-join, or "Add compute node" on the Install page with "Join it to OpenStack" unchecked)`,
    )
    const report = await bed.call('lesson.check', { lab: name, lesson: 'needs-node' })
    expect(report.results.map((r) => r.verdict)).toEqual(['could-not-check'])
    expect(report.results[0]!.problem).toContain('no compute node named compute1')
    expect((await bed.call('lesson.progress', { lab: name, lesson: 'needs-node' })).checkpoint).toBeNull()
  })

  it('a job on the lab refuses another one', async () => {
    const first = await bed.call('lesson.solve', { lab: name, lesson: 'follow-up', task: 'note' })
    const e = await bed.refused('lesson.start', { lab: name, lesson: 'follow-up' })
    expect(e.message).toBe(`lab ${name} has a job running; cancel it or wait`)
    await finished(first)
  })
})

describe('a checkpoint restore and the consoles open on its VMs', () => {
  it('ends them, saying why (their connection belongs to the past), and they reconnect', async () => {
    const vm = `${name}-controller`
    const opened = await bed.call('console.open', {
      lab: name,
      node: 'controller',
      kind: 'ssh',
      cols: 80,
      rows: 24,
    })
    expect(opened.state).toBe('open')
    await bed.call('checkpoint.create', { domains: [vm], name: 'console-cp' })
    try {
      await bed.call('checkpoint.restore', { domains: [vm], name: 'console-cp' })
      const after = (await bed.call('consoles.list', {})).find((c) => c.id === opened.id)!
      expect(after.state).toBe('exited')
      expect(after.exit?.reason).toBe(
        `${vm} went back to checkpoint "console-cp"; reconnect for a new session`,
      )
      const again = await bed.call('console.reconnect', { id: opened.id })
      expect(again.state).toBe('open')
    } finally {
      await bed.call('checkpoint.delete', { domains: [vm], name: 'console-cp' })
      await bed.call('console.close', { id: opened.id })
    }
  })
})

describe('checks that wait (waitSeconds 30 with waitWhile BUILD, then a plain wait)', () => {
  const check = async () => {
    const t0 = Date.now()
    const r = await bed.call('lesson.check', { lab: name, lesson: 'waiting', task: 'build' })
    return { result: r.results[0]!, seconds: (Date.now() - t0) / 1000 }
  }
  const build = (status: string) => writeFileSync(join(work, 'build.json'), `{"status": "${status}"}`)

  it('a thing not made is not waited for: not yet at once, and the later check does not wait either', async () => {
    const { result, seconds } = await check()
    expect(result.verdict).toBe('not-yet')
    expect(result.findings.map((f) => f.says.en)).toEqual([
      'the build is not ACTIVE.',
      'done.txt does not say yes.',
    ])
    expect(seconds).toBeLessThan(15)
  })

  it('a state that is not "on its way" (ERROR) is said at once', async () => {
    build('ERROR')
    const { result, seconds } = await check()
    expect(result.findings[0]).toMatchObject({ ok: false, seen: 'ERROR' })
    expect(seconds).toBeLessThan(15)
  })

  it('BUILD is waited for until it turns ACTIVE; then the next check passes too', async () => {
    build('BUILD')
    rmSync(join(work, 'done.txt'), { force: true })
    const turn = setTimeout(() => {
      build('ACTIVE')
      writeFileSync(join(work, 'done.txt'), 'yes\n')
    }, 6000)
    try {
      const { result, seconds } = await check()
      expect(result.verdict).toBe('passed')
      expect(seconds).toBeGreaterThanOrEqual(5)
    } finally {
      clearTimeout(turn)
    }
  })

  it('a plain waitSeconds waits while its command succeeds: a file that appears says yes later', async () => {
    writeFileSync(join(work, 'done.txt'), 'not yet\n')
    const turn = setTimeout(() => writeFileSync(join(work, 'done.txt'), 'yes\n'), 6000)
    try {
      const { result, seconds } = await check()
      expect(result.verdict).toBe('passed')
      expect(seconds).toBeGreaterThanOrEqual(5)
    } finally {
      clearTimeout(turn)
    }
  })
})

describe('a node that does not answer', () => {
  it('could not check, saying why; the job fails with the reason', async () => {
    await lab.sshd.stop()
    const report = await bed.call('lesson.check', { lab: name, lesson: 'files-basics', task: 'make-file' })
    expect(report.results[0]!.verdict).toBe('could-not-check')
    expect(report.results[0]!.problem).toMatch(/^could not reach controller over SSH: /)
    const p = await bed.call('lesson.progress', { lab: name, lesson: 'files-basics' })
    expect(p.tasks['make-file']!.verdict).toBe('could-not-check')
    const job = await finished(
      await bed.call('lesson.solve', { lab: name, lesson: 'files-basics', task: 'make-file' }),
    )
    expect(job.state).toBe('failed')
    expect(job.error?.message).toMatch(/^could not reach controller over SSH: /)
  })
})
