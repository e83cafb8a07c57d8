// What `stacklab lesson ...` prints: the lessons, a check's verdicts with what holds and what is missing, a
// hint. Lesson text is printed in one language: --lang, else Korean when the locale (LC_ALL, LC_MESSAGES,
// LANG) is Korean, else English. Text from lesson files and from the guests is made harmless to print.
import type { CheckReport, Lang, LessonSummary, Text } from '../../src-shared/lesson'
import { UsageError } from './args'
import { paint, printable } from './output'

/** The language to print lessons in: the option, else the locale's. */
export function langOf(
  option: string | undefined,
  env: Record<string, string | undefined> = process.env,
): Lang {
  if (option !== undefined) {
    if (option === 'en' || option === 'ko') return option
    throw new UsageError(`--lang must be en or ko, not ${printable(option).slice(0, 20)}`)
  }
  const locale = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || ''
  return /^ko(_|\.|$)/i.test(locale) ? 'ko' : 'en'
}

export const say = (text: Text, lang: Lang) => printable(text[lang])

export function formatLessonList(lessons: LessonSummary[], lang: Lang): string {
  if (!lessons.length) return 'No lessons found.\n'
  return lessons
    .map(
      (l) =>
        `${l.id}  ${say(l.title, lang)} (${l.minutes} min; ${l.needs.installers.join('/')}` +
        `${l.after ? `; after ${l.after}` : ''})\n` +
        l.tasks.map((t) => `    ${t.id}  ${say(t.title, lang)}\n`).join(''),
    )
    .join('')
}

const MARK = {
  passed: paint('32', 'ok  '),
  'not-yet': paint('33', 'not yet'),
  'could-not-check': paint('31', 'could not check'),
}

/** A check report for the terminal: per task its verdict, then each finding (seen values dimmed). */
export function formatCheckReport(report: CheckReport, titles: Map<string, Text>, lang: Lang): string {
  const lines: string[] = []
  for (const r of report.results) {
    const title = titles.get(r.task)
    lines.push(`[${MARK[r.verdict]}] ${r.task}${title ? `  ${say(title, lang)}` : ''}`)
    if (r.problem) lines.push(`       ${printable(r.problem)}`)
    for (const f of r.findings)
      lines.push(
        `       ${f.ok ? '+' : '-'} ${say(f.says, lang)}${f.seen ? paint('2', `  (seen: ${printable(f.seen)})`) : ''}`,
      )
  }
  return lines.join('\n') + '\n'
}

/** `stacklab lesson check`'s exit status: 0 all passed, 2 one could not be checked, else 1. */
export function checkExit(report: CheckReport): number {
  if (report.results.some((r) => r.verdict === 'could-not-check')) return 2
  return report.results.every((r) => r.verdict === 'passed') ? 0 : 1
}
