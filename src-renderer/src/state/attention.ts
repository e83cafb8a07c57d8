// Long work while the learner looks elsewhere: the tab's title shows how far the running jobs are (the
// browser host), and a desktop notification says when one ends, if the learner allowed notifications
// (button on the Jobs page). Electron shows the same progress on the taskbar or dock icon (host/main.ts).
import { jobEnded } from '../../../src-shared/job-progress'
import { useLang } from '../i18n'
import { endingNotice, titleFor } from '../components/attention-words'
import { useJobs } from './jobs'

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
