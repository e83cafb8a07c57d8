// The lesson calls and commands as a stranger or a careless user drives them: ids with path traversal, NUL,
// control characters or 1000 characters, extra keys (a `command` smuggled in), a task of another lesson,
// an unknown lab or lesson. Each is refused with a clear error before anything runs: no job, no progress
// file, nothing on the node. No lesson call takes a command at all. The CLI refuses the same with exit 2.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { calls, type CallName } from '../../src-shared/api'
import { ApiError } from '../../src-shared/errors'
import type { Engine } from '../../src-main/engine/engine'
import { LabStore } from '../../src-main/engine/lab/store'
import { labFiles } from '../../src-main/engine/lab/files'
import { consoleLabState } from '../harness/console-lab'
import { rejection, runStacklab, tempDir, tempPaths, testEngine, xdgEnv } from '../helpers'

const FIXTURES = join(__dirname, '../fixtures/lessons')
const LAB = 'seclab'
let t: ReturnType<typeof tempDir>
let engine: Engine
const savedDir = process.env['STACKLAB_LESSONS_DIR']

beforeAll(async () => {
  process.env['STACKLAB_LESSONS_DIR'] = FIXTURES
  t = tempDir('stacklab-sec-lessons-')
  engine = testEngine(t.dir)
  // A ready lab on an address nothing answers on: whatever got past the gate would show as a job or a file.
  await new LabStore(tempPaths(t.dir).data).save(
    consoleLabState(LAB, 'controller', '127.201.0.9', '127.201.0.0/16', 'SHA256:none'),
  )
})
afterAll(async () => {
  await engine?.close()
  t?.cleanup()
  if (savedDir === undefined) delete process.env['STACKLAB_LESSONS_DIR']
  else process.env['STACKLAB_LESSONS_DIR'] = savedDir
})

const refused = (method: CallName, input: unknown) => rejection(engine.call(method, input), ApiError)
const progressFile = () => labFiles(tempPaths(t.dir).data, LAB).lessons

const BAD_IDS = [
  '../files-basics',
  '..',
  'files-basics/../x',
  '/etc/passwd',
  'a\u0000b',
  'a\nb',
  'A',
  '',
  'x'.repeat(1000),
  'é',
]

describe('lesson calls refuse bad input before anything runs', () => {
  const methods: { method: CallName; input: (id: string) => unknown; field: string }[] = [
    { method: 'lesson.get', input: (id) => ({ id }), field: 'id' },
    { method: 'lesson.progress', input: (id) => ({ lab: LAB, lesson: id }), field: 'lesson' },
    { method: 'lesson.start', input: (id) => ({ lab: LAB, lesson: id }), field: 'lesson' },
    { method: 'lesson.reset', input: (id) => ({ lab: LAB, lesson: id }), field: 'lesson' },
    {
      method: 'lesson.check',
      input: (id) => ({ lab: LAB, lesson: 'files-basics', task: id }),
      field: 'task',
    },
    { method: 'lesson.hint', input: (id) => ({ lab: LAB, lesson: 'files-basics', task: id }), field: 'task' },
    {
      method: 'lesson.solve',
      input: (id) => ({ lab: LAB, lesson: 'files-basics', task: id }),
      field: 'task',
    },
    { method: 'lesson.check', input: (id) => ({ lab: id, lesson: 'files-basics' }), field: 'lab' },
  ]

  it.each(methods)(
    '$method: bad $field ids are refused by the gate, naming the field',
    async ({ method, input, field }) => {
      // Lab names may have capitals (ResourceName); lesson and task ids may not.
      for (const id of BAD_IDS.filter((x) => field !== 'lab' || x !== 'A')) {
        const e = await refused(method, input(id))
        expect(e.code, JSON.stringify(id)).toBe('bad-request')
        expect(e.issues?.[0]?.path, JSON.stringify(id)).toBe(field)
        expect(e.message).toMatch(new RegExp(`^Invalid input for ${method.replace('.', '\\.')}: ${field}: `))
      }
      expect(await engine.jobs.list()).toEqual([])
      expect(existsSync(progressFile())).toBe(false)
    },
  )

  it('extra keys are refused: a command, a node, a path cannot ride along', async () => {
    for (const [method, input] of [
      ['lesson.check', { lab: LAB, lesson: 'files-basics', command: 'touch /tmp/pwned' }],
      ['lesson.solve', { lab: LAB, lesson: 'files-basics', task: 'make-file', run: ['id'] }],
      ['lesson.start', { lab: LAB, lesson: 'files-basics', dir: '/tmp' }],
      ['lesson.get', { id: 'files-basics', file: '/etc/shadow' }],
      ['lessons.list', { dir: '/' }],
    ] as const) {
      const e = await refused(method, input)
      expect(e.code, method).toBe('bad-request')
      expect(e.message, method).toMatch(/Unrecognized key/)
    }
    expect(await engine.jobs.list()).toEqual([])
  })

  it('a task of another lesson, an unknown lesson or lab: not found, by name', async () => {
    const other = await refused('lesson.solve', { lab: LAB, lesson: 'files-basics', task: 'note' })
    expect(other.code).toBe('not-found')
    expect(other.message).toBe('lesson files-basics has no task "note" (tasks: make-file, list-items)')
    const hint = await refused('lesson.hint', { lab: LAB, lesson: 'follow-up', task: 'make-file' })
    expect(hint.message).toBe('lesson follow-up has no task "make-file" (tasks: note)')
    const lesson = await refused('lesson.start', { lab: LAB, lesson: 'nope' })
    expect(lesson).toMatchObject({
      code: 'not-found',
      message:
        'There is no lesson "nope" (lessons: admin-only, files-basics, follow-up, needs-node, waiting)',
    })
    const lab = await refused('lesson.check', { lab: 'nolab', lesson: 'files-basics' })
    expect(lab).toMatchObject({ code: 'not-found', message: 'no lab named nolab' })
    expect(await engine.jobs.list()).toEqual([])
    expect(existsSync(progressFile())).toBe(false)
  })

  it('no lesson call takes a command: every input is strict and names only a lab, a lesson and a task', () => {
    const lessonCalls = (Object.keys(calls) as CallName[]).filter((m) => m.startsWith('lesson'))
    expect(lessonCalls).toHaveLength(8)
    for (const m of lessonCalls) {
      const schema = calls[m].input as unknown as {
        shape?: Record<string, unknown>
        def?: { catchall?: { def?: { type?: string } } }
      }
      const keys = Object.keys(schema.shape ?? {})
      expect(
        keys.every((k) => ['id', 'lab', 'lesson', 'task'].includes(k)),
        `${m}: ${keys.join(', ')}`,
      ).toBe(true)
      expect(schema.def?.catchall?.def?.type, m).toBe('never')
    }
  })
})

describe('stacklab lesson refuses the same, exit 2', () => {
  const stacklab = (...args: string[]) => runStacklab(t.dir, ...args)
  it.each([
    [['lesson', 'check', LAB, '../files-basics'], 'lesson: must be 1-48 characters'],
    [['lesson', 'start', LAB, 'a\u0001b'], 'lesson: must be 1-48 characters'],
    [['lesson', 'hint', LAB, 'files-basics', 'x'.repeat(100)], 'task: must be 1-48 characters'],
    [['lesson', 'solve', '../lab', 'files-basics', 'make-file'], 'lab: '],
    [['lesson', 'check', LAB, 'files-basics', '--lang', 'fr'], '--lang must be en or ko, not fr'],
  ])('%j', async (args, message) => {
    const r = await stacklab(...args)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(message)
    expect(r.stderr).not.toContain('\u0001')
    expect(r.stdout).toBe('')
    expect(existsSync(join(xdgEnv(t.dir).XDG_DATA_HOME, 'stacklab', 'jobs'))).toBe(false)
  })
})

describe('stacklab lesson list', () => {
  it('lists the lessons in English, in Korean with --lang ko or a Korean LANG', async () => {
    const en = await runStacklab(t.dir, 'lesson', 'list')
    expect(en.code).toBe(0)
    expect(en.stdout).toContain(
      'files-basics  Files on the controller (5 min; packages/packstack)\n    make-file  Write state.json\n',
    )
    expect(en.stdout).not.toContain('LESSON_DIR')
    expect(en.stderr).toBe('')
    const ko = await runStacklab(t.dir, 'lesson', 'list', '--lang', 'ko')
    expect(ko.stdout).toContain(
      'files-basics  컨트롤러의 파일 (5 min; packages/packstack)\n    make-file  state.json 쓰기\n',
    )
    const json = JSON.parse((await runStacklab(t.dir, 'lesson', 'list', '--json')).stdout) as { id: string }[]
    expect(json.map((l) => l.id)).toEqual([
      'admin-only',
      'files-basics',
      'follow-up',
      'needs-node',
      'waiting',
    ])
  })
})
