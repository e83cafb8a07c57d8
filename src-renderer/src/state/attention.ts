// Long work while the learner looks elsewhere: the tab's title shows how far the running jobs are (the
// browser host), and a desktop notification says when one ends, if the learner allowed notifications
// (button on the Jobs page). Electron shows the same progress on the taskbar or dock icon (host/main.ts).
import { jobEnded, runningWork } from '../../../src-shared/job-progress'
import type { Job } from '../../../src-shared/jobs'
import { translate, useLang, type Lang } from '../i18n'
import { failureText } from '../components/words'
import { useJobs } from './jobs'

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

/** Whether this window may show notifications (the browser's or Electron's own permission). */
export function notificationsAllowed(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted'
}

/** Keep the title current and announce ended jobs; returns the unsubscribe. */
export function watchJobs(): () => void {
  const retitle = () => {
    document.title = titleFor(Object.values(useJobs.getState().jobs), useLang.getState().lang)
  }
  const offLang = useLang.subscribe(retitle)
  const offJobs = useJobs.subscribe((state, before) => {
    retitle()
    if (!notificationsAllowed()) return
    const lang = useLang.getState().lang
    for (const job of Object.values(state.jobs)) {
      if (!jobEnded(before.jobs[job.id], job)) continue
      const { title, body } = endingNotice(job, lang)
      // One notification per job: a second window or a repeated event replaces it rather than adding one.
      new Notification(title, { body, tag: `stacklab-job-${job.id}` })
    }
  })
  retitle()
  return () => {
    offLang()
    offJobs()
  }
}
