// Calls on lessons: the catalog (resources/lessons), and a lesson on a lab: its progress, checks, hints, and
// the start / solve / reset jobs. Inputs name a lesson and a task by id; no call carries a command.
import type { CallContext, CallsOf, Handlers } from './context'

type LessonCalls = Pick<Handlers, CallsOf<`lesson${string}`>>

export function lessonHandlers({ lessons }: CallContext): LessonCalls {
  return {
    'lessons.list': () => lessons.list(),
    'lesson.get': ({ id }) => lessons.get(id),
    'lesson.progress': ({ lab, lesson }) => lessons.progress(lab, lesson),
    'lesson.start': ({ lab, lesson }) => lessons.start(lab, lesson),
    'lesson.check': ({ lab, lesson, task }) => lessons.check(lab, lesson, task),
    'lesson.hint': ({ lab, lesson, task }) => lessons.hint(lab, lesson, task),
    'lesson.solve': ({ lab, lesson, task }) => lessons.solve(lab, lesson, task),
    'lesson.reset': ({ lab, lesson }) => lessons.reset(lab, lesson),
  }
}
