// What long work says outside the window, in the learner's language: the tab title while jobs run and a
// notification when one ends. Pure (no DOM), so it is tested in Node.
import { runningWork } from '../../../src-shared/job-progress'
import type { Job } from '../../../src-shared/jobs'
import { translate, type Lang } from '../i18n'
import { failureText } from './words'

const APP = 'Stacklab'

function jobName(job: Job, lang: Lang): string {
  return translate(lang, `jobs.kind.${job.kind}`, { lab: job.lab })
}

/** The window's title for these jobs: `42% · Create lab lab1 — Stacklab` while work runs. */
export function titleFor(jobs: Iterable<Job>, lang: Lang): string {
  const work = runningWork(jobs)
  if (!work) return APP
  const what =
    work.running.length === 1
      ? jobName(work.running[0]!, lang)
      : translate(lang, 'attention.many', { count: work.running.length })
  return `${Math.round(work.progress * 100)}% · ${what} — ${APP}`
}

/** What a notification says when a job ends. */
export function endingNotice(job: Job, lang: Lang): { title: string; body: string } {
  const title = translate(lang, `attention.ended.${job.state === 'running' ? 'interrupted' : job.state}`, {
    job: jobName(job, lang),
  })
  const body = job.error ? failureText(job.error, lang, (k, v) => translate(lang, k, v)).message : ''
  return { title, body }
}
