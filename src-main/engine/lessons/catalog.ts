// The lessons Stacklab knows: every <id>/lesson.yaml in the bundled resources/lessons, or in the folder
// STACKLAB_LESSONS_DIR names (a lesson author's own, and tests'). Each file is read with the strict YAML
// reader (no aliases, tags, merge keys; at most 1 MiB) and checked against the Lesson schema; the folder's
// name must be the lesson's id, and `after` must name a good lesson without going round in a circle. A bad
// file never hides the good ones: it is left out of the list, logged once with its file name and the field,
// and a call naming it gets that same problem as its error.
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ApiError, issuesOf } from '../../../src-shared/errors'
import { Lesson, LessonId, type LessonSummary } from '../../../src-shared/lesson'
import {
  MAX_LAB_FILE_BYTES,
  MAX_LAB_FILE_TEXT,
  YamlRefused,
  describeProblem,
  parseUserYaml,
} from '../../../src-shared/user-yaml'
import { printable } from '../../../src-shared/text'
import type { Logger } from '../log'
import { resourcePath } from '../resources'

export const LESSON_FILE = 'lesson.yaml'

/** The folder of lessons: STACKLAB_LESSONS_DIR when set, else the bundled resources/lessons. */
export function lessonsDir(env: Record<string, string | undefined> = process.env): string {
  const own = env['STACKLAB_LESSONS_DIR']
  return own ? own : resourcePath('lessons', 'The lessons folder (resources/lessons)')
}

/** A lesson file that cannot be used: its file and everything wrong with it. */
export interface BrokenLesson {
  /** The folder's name (the lesson's id when it is a good one). */
  id: string
  file: string
  problem: string
}

export interface Catalog {
  dir: string
  lessons: Map<string, Lesson>
  broken: BrokenLesson[]
}

/** Read one lesson file; its problems as one line naming the fields. */
async function readLesson(file: string, folder: string): Promise<Lesson | string> {
  let size: number
  try {
    const s = await stat(file)
    if (!s.isFile()) return `${LESSON_FILE} is not a file`
    size = s.size
  } catch {
    return `there is no ${LESSON_FILE} in it`
  }
  // Refused before reading: a huge file never gets into memory.
  if (size > MAX_LAB_FILE_BYTES) return `is ${size} bytes; a lesson file may be at most ${MAX_LAB_FILE_TEXT}`
  let raw: unknown
  try {
    raw = parseUserYaml(await readFile(file, 'utf8'))
  } catch (error) {
    if (error instanceof YamlRefused) return error.problems.map(describeProblem).join('; ')
    return `cannot be read: ${(error as Error).message}`
  }
  const r = Lesson.safeParse(raw)
  if (!r.success)
    return issuesOf(r.error)
      .map((i) => `${i.path || '(file)'}: ${i.message}`)
      .join('; ')
  if (r.data.id !== folder)
    return `id: "${printable(r.data.id)}" is not the folder's name "${folder}"; they must be the same`
  return r.data
}

/** Every lesson of `dir`, good and broken; never throws for a bad file (only for a folder it cannot list). */
export async function loadCatalog(dir: string): Promise<Catalog> {
  let entries: string[]
  try {
    entries = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort()
  } catch (error) {
    throw new ApiError({
      code: 'not-found',
      message: `The lessons folder ${dir} cannot be read: ${(error as Error).message}`,
    })
  }
  const lessons = new Map<string, Lesson>()
  const broken: BrokenLesson[] = []
  for (const folder of entries) {
    const file = join(dir, folder, LESSON_FILE)
    if (!LessonId.safeParse(folder).success) {
      broken.push({ id: folder, file, problem: 'the folder name is not a lesson id (a-z, 0-9 and -)' })
      continue
    }
    const read = await readLesson(file, folder)
    if (typeof read === 'string') broken.push({ id: folder, file, problem: read })
    else lessons.set(folder, read)
  }
  // `after` must not go round in a circle (every lesson on it is left out, found before any is), must name a
  // good lesson, and a lesson whose `after` is left out is left out too (until nothing changes).
  const circles = [...lessons.values()].flatMap((l) => {
    const problem = circleOf(l, lessons)
    return problem ? [{ id: l.id, problem }] : []
  })
  for (const { id, problem } of circles) {
    lessons.delete(id)
    broken.push({ id, file: join(dir, id, LESSON_FILE), problem })
  }
  for (let changed = true; changed;) {
    changed = false
    for (const [id, lesson] of lessons) {
      if (!lesson.after || lessons.has(lesson.after)) continue
      lessons.delete(id)
      const problem = broken.some((b) => b.id === lesson.after)
        ? `after: lesson "${lesson.after}" is broken itself`
        : `after: there is no lesson "${lesson.after}"`
      broken.push({ id, file: join(dir, id, LESSON_FILE), problem })
      changed = true
    }
  }
  return { dir, lessons, broken }
}

/** Where following `after` from the lesson comes back to it, if it does. */
function circleOf(lesson: Lesson, lessons: Map<string, Lesson>): string | null {
  const chain = [lesson.id]
  for (let at = lesson.after; at; at = lessons.get(at)?.after) {
    if (at === lesson.id) return `after: the lessons go round in a circle (${[...chain, at].join(' → ')})`
    if (chain.includes(at)) return null // a circle further on, not through this lesson: reported there
    chain.push(at)
  }
  return null
}

export function summaryOf(l: Lesson): LessonSummary {
  return {
    id: l.id,
    title: l.title,
    goal: l.goal,
    minutes: l.minutes,
    needs: l.needs,
    after: l.after ?? null,
    tasks: l.tasks.map((t) => ({ id: t.id, title: t.title })),
  }
}

/** The catalog as the engine uses it: read again on each use (lesson authors edit files while it runs). */
export class LessonCatalog {
  private readonly logged = new Set<string>()

  constructor(
    private readonly logger: Logger,
    private readonly dir: () => string = () => lessonsDir(),
  ) {}

  async load(): Promise<Catalog> {
    const catalog = await loadCatalog(this.dir())
    for (const b of catalog.broken) {
      const key = `${b.file}|${b.problem}`
      if (this.logged.has(key)) continue
      this.logged.add(key)
      this.logger.log('warn', 'a lesson file is broken and left out', { file: b.file, problem: b.problem })
    }
    return catalog
  }

  async list(): Promise<LessonSummary[]> {
    return [...(await this.load()).lessons.values()].map(summaryOf)
  }

  /** The lesson `id`, or an error naming its file's problem (or the lessons there are). */
  async get(id: string): Promise<Lesson> {
    const catalog = await this.load()
    const lesson = catalog.lessons.get(id)
    if (lesson) return lesson
    const broken = catalog.broken.find((b) => b.id === id)
    if (broken)
      throw new ApiError({
        code: 'invalid-state',
        message: `The lesson file ${broken.file} is broken: ${broken.problem}`,
      })
    throw new ApiError({
      code: 'not-found',
      message: `There is no lesson "${id}" (lessons: ${[...catalog.lessons.keys()].join(', ') || 'none'})`,
    })
  }
}
