// Where a lab stands in each lesson, kept in the lab's folder (labs/<lab>/lessons.json, written atomically),
// so it survives restarts of the engine and goes when the lab is deleted. Changes to one lab's file are made
// one at a time (a check and a "do it for me" may finish together), read, changed and written as one.
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { LessonProgress, type Lesson, type TaskProgress } from '../../../src-shared/lesson'
import { writeFileAtomic } from '../atomic'
import type { LabStore } from '../lab/store'
import type { Logger } from '../log'

const ProgressFile = z.object({ version: z.literal(1), lessons: z.record(z.string(), LessonProgress) })
type ProgressFile = z.infer<typeof ProgressFile>

export const freshTask = (): TaskProgress => ({
  verdict: null,
  checkedAt: null,
  hintsShown: 0,
  solvedByStacklab: false,
})

/** The lesson's progress with exactly its tasks: a task the file lacks starts fresh, one it no longer has goes. */
function fitted(lab: string, lesson: Lesson, saved: LessonProgress | undefined): LessonProgress {
  return {
    lab,
    lesson: lesson.id,
    startedAt: saved?.startedAt ?? null,
    checkpoint: saved?.checkpoint ?? null,
    tasks: Object.fromEntries(
      lesson.tasks.map((t) => {
        const p = saved?.tasks[t.id]
        // Hints shown never exceed the hints there are (a lesson file may have lost some).
        return [t.id, p ? { ...p, hintsShown: Math.min(p.hintsShown, t.hints.length) } : freshTask()]
      }),
    ),
  }
}

export class ProgressStore {
  private readonly queue = new Map<string, Promise<unknown>>()

  constructor(
    private readonly store: LabStore,
    private readonly logger: Logger,
  ) {}

  private async read(lab: string): Promise<ProgressFile> {
    const file = this.store.files(lab).lessons
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      return { version: 1, lessons: {} }
    }
    try {
      return ProgressFile.parse(JSON.parse(text))
    } catch (error) {
      // A damaged file is not the learner's fault and must not stop the lessons: it starts over, said in the log.
      this.logger.log('warn', 'lesson progress file is damaged; starting over', {
        file,
        error: (error as Error).message.slice(0, 300),
      })
      return { version: 1, lessons: {} }
    }
  }

  async get(lab: string, lesson: Lesson): Promise<LessonProgress> {
    await this.queue.get(lab)
    return fitted(lab, lesson, (await this.read(lab)).lessons[lesson.id])
  }

  /** Change the lesson's progress (one change at a time per lab); returns what was saved. */
  update(lab: string, lesson: Lesson, change: (p: LessonProgress) => void): Promise<LessonProgress> {
    const run = async () => {
      const file = await this.read(lab)
      const p = fitted(lab, lesson, file.lessons[lesson.id])
      change(p)
      file.lessons[lesson.id] = p
      await writeFileAtomic(this.store.files(lab).lessons, JSON.stringify(file, null, 2))
      return p
    }
    const next = (this.queue.get(lab) ?? Promise.resolve()).then(run, run)
    const settled = next.catch(() => undefined)
    this.queue.set(lab, settled)
    void settled.then(() => {
      if (this.queue.get(lab) === settled) this.queue.delete(lab)
    })
    return next
  }
}
