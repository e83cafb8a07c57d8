// The lesson catalog: good lesson files are read; each kind of broken one is left out by name (its file,
// the field, what is wrong) while the good ones stay listed, and a call that names a broken one gets that
// problem as its error. Attacks a careless or hostile lesson file makes: unknown keys, a missing Korean
// text, YAML aliases and tags, an id that is not its folder, `after` naming nothing or going round in a
// circle, commands with a newline or NUL, a 2 MiB file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { ApiError } from '../../src-shared/errors'
import type { LessonInput } from '../../src-shared/lesson'
import { LessonCatalog, lessonsDir, loadCatalog } from '../../src-main/engine/lessons/catalog'
import type { Logger } from '../../src-main/engine/log'

const text = (en: string) => ({ en, ko: `${en} (ko)` })

function lesson(id: string, extra: Partial<LessonInput> = {}): LessonInput {
  return {
    id,
    title: text(`Lesson ${id}`),
    goal: text('A goal'),
    minutes: 10,
    needs: { installers: ['packages'] },
    tasks: [
      {
        id: 'one',
        title: text('Task one'),
        explain: text('Do it'),
        check: [{ run: 'openstack image list -f json', expect: [{ count: 1, missing: text('no image') }] }],
        solve: [{ run: ['openstack image create x'] }],
      },
    ],
    ...extra,
  }
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stacklab-lessons-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function put(folder: string, content: string | object): string {
  mkdirSync(join(dir, folder), { recursive: true })
  const file = join(dir, folder, 'lesson.yaml')
  writeFileSync(file, typeof content === 'string' ? content : stringify(content))
  return file
}

async function brokenOf(folder: string): Promise<string> {
  const c = await loadCatalog(dir)
  const b = c.broken.find((x) => x.id === folder)
  if (!b) throw new Error(`${folder} was not refused (good: ${[...c.lessons.keys()].join(', ')})`)
  expect(b.file).toBe(join(dir, folder, 'lesson.yaml'))
  expect(c.lessons.has(folder)).toBe(false)
  return b.problem
}

describe('loadCatalog', () => {
  it('reads good lessons with their defaults, sorted, and the bundled folder is found', async () => {
    put('b-two', lesson('b-two', { after: 'a-one' }))
    put('a-one', lesson('a-one'))
    const c = await loadCatalog(dir)
    expect([...c.lessons.keys()]).toEqual(['a-one', 'b-two'])
    expect(c.broken).toEqual([])
    const t = c.lessons.get('a-one')!.tasks[0]!
    expect(t.check[0]).toMatchObject({ node: 'controller', admin: true, waitSeconds: 0 })
    expect(c.lessons.get('a-one')!.needs).toEqual({
      installers: ['packages'],
      openstack: true,
      roles: ['controller'],
      nodes: [],
    })
    expect(lessonsDir({ STACKLAB_LESSONS_DIR: dir })).toBe(dir)
  })

  it('refuses each broken file by name and field, and keeps the good ones', async () => {
    put('good', lesson('good'))
    const unknownKey = lesson('unknown-key') as Record<string, unknown>
    unknownKey['runAsHost'] = 'rm -rf /'
    put('unknown-key', unknownKey)
    const noKo = lesson('no-ko')
    noKo.title = { en: 'Only English' } as never
    put('no-ko', noKo)
    put('other-folder', lesson('not-the-folder'))
    const newline = lesson('newline')
    newline.tasks[0]!.check[0]!.run = 'openstack image list\nrm -rf /'
    put('newline', newline)
    const nul = lesson('nul')
    nul.tasks[0]!.solve[0]!.run = ['true\u0000rm -rf /']
    put('nul', nul)

    expect(await brokenOf('unknown-key')).toContain('Unrecognized key')
    expect(await brokenOf('unknown-key')).toContain('runAsHost')
    expect(await brokenOf('no-ko')).toMatch(/^title\.ko: /)
    expect(await brokenOf('other-folder')).toBe(
      'id: "not-the-folder" is not the folder\'s name "other-folder"; they must be the same',
    )
    expect(await brokenOf('newline')).toBe('tasks.0.check.0.run: must be one line without control characters')
    expect(await brokenOf('nul')).toBe('tasks.0.solve.0.run.0: must be one line without control characters')
    const c = await loadCatalog(dir)
    expect([...c.lessons.keys()]).toEqual(['good'])
    expect(c.broken).toHaveLength(5)
  })

  it('refuses a waitWhile that is not a valid pattern, carries a command, or waits past 900 s', async () => {
    const waits = (id: string, check: Record<string, unknown>) => {
      const l = lesson(id)
      Object.assign(l.tasks[0]!.check[0]!, check)
      put(id, l)
    }
    waits('wait-good', { waitSeconds: 60, waitWhile: { path: 'status', matches: '^BUILD$' } })
    waits('wait-regex', { waitSeconds: 60, waitWhile: { path: 'status', matches: '^(BUILD' } })
    waits('wait-run', { waitSeconds: 60, waitWhile: { matches: 'x', run: 'rm -rf /' } })
    waits('wait-long', { waitSeconds: 3600, waitWhile: { matches: 'x' } })
    expect(await brokenOf('wait-regex')).toBe(
      'tasks.0.check.0.waitWhile.matches: must be a valid regular expression',
    )
    expect(await brokenOf('wait-run')).toMatch(/^tasks\.0\.check\.0\.waitWhile: Unrecognized key.*"run"/)
    expect(await brokenOf('wait-long')).toMatch(/^tasks\.0\.check\.0\.waitSeconds: /)
    const c = await loadCatalog(dir)
    expect(c.lessons.get('wait-good')!.tasks[0]!.check[0]!.waitWhile).toEqual({
      path: 'status',
      matches: '^BUILD$',
    })
  })

  it('refuses YAML aliases, tags and merge keys, and a 2 MiB file before reading it', async () => {
    put('alias', stringify(lesson('alias')).replace('goal:\n', 'goal: &g\n') + 'extra: *g\n')
    put('tag', stringify(lesson('tag')).replace('minutes: 10', 'minutes: !!python/object 10'))
    put('merge', stringify(lesson('merge')) + '<<: { minutes: 5 }\n')
    put('huge', stringify(lesson('huge')) + `# ${'x'.repeat(2 * 1024 * 1024)}\n`)
    expect(await brokenOf('alias')).toMatch(/YAML (anchors|aliases)/)
    expect(await brokenOf('tag')).toContain('YAML tags (!!python/object) are not supported')
    expect(await brokenOf('merge')).toContain('YAML merge keys (<<) are not supported')
    expect(await brokenOf('huge')).toMatch(/^is \d+ bytes; a lesson file may be at most 1 MiB$/)
  })

  it('refuses `after` naming no lesson, a broken one, or going round in a circle', async () => {
    put('orphan', lesson('orphan', { after: 'nowhere' }))
    put('c-one', lesson('c-one', { after: 'c-two' }))
    put('c-two', lesson('c-two', { after: 'c-three' }))
    put('c-three', lesson('c-three', { after: 'c-one' }))
    put('bad', { ...lesson('bad'), minutes: 0 })
    put('after-bad', lesson('after-bad', { after: 'bad' }))
    put('after-orphan', lesson('after-orphan', { after: 'orphan' }))
    put('self', lesson('self', { after: 'self' }))
    expect(await brokenOf('orphan')).toBe('after: there is no lesson "nowhere"')
    expect(await brokenOf('c-one')).toBe(
      'after: the lessons go round in a circle (c-one → c-two → c-three → c-one)',
    )
    expect(await brokenOf('c-two')).toContain('circle')
    expect(await brokenOf('c-three')).toContain('circle')
    expect(await brokenOf('after-bad')).toBe('after: lesson "bad" is broken itself')
    expect(await brokenOf('after-orphan')).toBe('after: lesson "orphan" is broken itself')
    expect(await brokenOf('self')).toBe('after: a lesson cannot follow itself')
  })

  it('a folder that is not an id, or has no lesson.yaml, is named; files and hidden folders are passed over', async () => {
    mkdirSync(join(dir, 'Bad Name'))
    mkdirSync(join(dir, 'empty'))
    mkdirSync(join(dir, '.git'))
    writeFileSync(join(dir, 'README.md'), 'not a lesson')
    const c = await loadCatalog(dir)
    expect(c.broken.map((b) => [b.id, b.problem])).toEqual([
      ['Bad Name', 'the folder name is not a lesson id (a-z, 0-9 and -)'],
      ['empty', 'there is no lesson.yaml in it'],
    ])
  })
})

describe('LessonCatalog', () => {
  it('names the broken file in the error of a call that asks for it, logs it once, and lists the rest', async () => {
    put('good', lesson('good'))
    put('broken', { ...lesson('broken'), minutes: 'long' })
    const lines: unknown[][] = []
    const logger: Logger = { file: null, log: (...args) => void lines.push(args) }
    const catalog = new LessonCatalog(logger, () => dir)
    expect((await catalog.list()).map((l) => l.id)).toEqual(['good'])
    expect((await catalog.list())[0]).not.toHaveProperty('tasks.0.check')
    const error = await catalog.get('broken').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toBe(
      `The lesson file ${join(dir, 'broken', 'lesson.yaml')} is broken: minutes: Invalid input: expected number, received string`,
    )
    const unknown = (await catalog.get('nope').catch((e: unknown) => e)) as ApiError
    expect(unknown.code).toBe('not-found')
    expect(unknown.message).toBe('There is no lesson "nope" (lessons: good)')
    expect(lines).toHaveLength(1)
    expect(lines[0]![2]).toMatchObject({ file: join(dir, 'broken', 'lesson.yaml') })
  })
})
