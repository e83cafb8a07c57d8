// The packstack run of a lab: start it (or reattach to a run that went on without the app), retry from the
// "pre-install" checkpoint, cancel; the install job live from the jobs store (steps, elapsed time, the
// error and its fix), and packstack's log on request.
import { useState } from 'react'
import { stripAnsi } from '../../../src-shared/text'
import { elapsed, useNow } from '../components/time'
import { failureText, shownFailure, stepTitle, type ShownFailure } from '../components/words'
import { useLang, useT } from '../i18n'
import { installJobOf, useJobs } from '../state/jobs'
import { useStore } from '../store'
import { StatusLine } from '../components/FailureLine'
import { useNeedsLibvirt } from '../state/reach'

export function RunPanel({ lab, packages = false }: { lab: string; packages?: boolean }) {
  const t = useT()
  const call = useStore((s) => s.call)
  const job = useJobs((s) => installJobOf(s.jobs, lab))
  const startError = useJobs((s) => s.actionError[`install:${lab}`])
  const [message, setMessage] = useState<string | ShownFailure>('')
  const [log, setLog] = useState<string | null>(null)
  const running = job?.state === 'running'
  // An install starts from a checkpoint of the lab's VMs (libvirt snapshots).
  const libvirt = useNeedsLibvirt(t('reach.needsLibvirt'))
  const now = useNow(running)
  const lang = useLang((s) => s.lang)
  const failure = job?.error && failureText(job.error, lang, t)

  const start = async (retry: boolean) => {
    setMessage('')
    setLog(null)
    await useJobs.getState().install(lab, retry)
  }

  const showLog = async () => {
    try {
      const r = await call('lab.installLog', { name: lab })
      setLog(stripAnsi(r.text).replace(/\r/g, '\n'))
    } catch (e) {
      setMessage(shownFailure(e))
    }
  }

  return (
    <section className="card" aria-labelledby="run-heading">
      <h2 id="run-heading">{t(packages ? 'install.run.titlePackages' : 'install.run.title')}</h2>
      <p className="muted">{t('install.run.help')}</p>
      <div className="form-actions">
        <button
          id="install-start"
          className="primary"
          disabled={running || libvirt.disabled}
          title={libvirt.title}
          onClick={() => void start(false)}
        >
          {job?.state === 'interrupted' ? t('install.run.reattach') : t('install.run.start')}
        </button>
        <button
          id="install-retry"
          disabled={running || libvirt.disabled}
          title={libvirt.title}
          onClick={() => void start(true)}
        >
          {t('install.run.retry')}
        </button>
        {running && (
          <button id="install-cancel" onClick={() => void useJobs.getState().cancel(job.id)}>
            {t('install.run.cancel')}
          </button>
        )}
        <button id="install-log-show" onClick={() => void showLog()}>
          {t('install.run.showLog')}
        </button>
        <span role="status">
          <StatusLine value={message || startError} />
        </span>
      </div>
      {job && (
        <div id="install-job" data-state={job.state}>
          <p>
            <strong>{t(`jobs.kind.${job.kind}`, { lab: job.lab })}</strong> ·{' '}
            <span id="install-job-state">{t(`install.state.${job.state}`)}</span> ·{' '}
            <span id="install-elapsed">{elapsed(job.startedAt, job.finishedAt, now)}</span>
          </p>
          <progress value={job.progress} max={1} aria-label={t('install.run.progress')} />
          <ol className="steps">
            {job.steps.map((s) => (
              <li key={s.id} id={`install-step-${s.id}`} data-state={s.state}>
                <span className={`badge ${s.state}`}>{t(`install.step.${s.state}`)}</span>{' '}
                {stepTitle(job.kind, s, t)}
                {s.detail && <span className="muted"> — {s.detail}</span>}
              </li>
            ))}
          </ol>
          {failure && (
            <div className="banner fail" role="alert">
              <p id="install-error">{failure.message}</p>
              {failure.fix && (
                <p>
                  {t('install.run.fix')}: <code id="install-fix">{failure.fix}</code>
                </p>
              )}
            </div>
          )}
        </div>
      )}
      {log !== null && (
        <pre id="install-log" className="log" tabIndex={0}>
          {log || t('install.run.noLog')}
        </pre>
      )}
    </section>
  )
}
