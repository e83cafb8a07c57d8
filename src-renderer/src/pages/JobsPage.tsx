// Jobs: every job the engine knows, live. Steps with their state and detail, progress, elapsed time, the
// log, cancel while running, the error with its fix to copy, and resume for jobs that were interrupted
// (or failed part-way); a failed lab can also be deleted, which removes exactly what the job made.
import { useEffect, useRef, useState } from 'react'
import type { Job, JobStep } from '../../../src-shared/jobs'
import { plural, useLang, useT, type Translate } from '../i18n'
import { sortedJobs, useJobs } from '../state/jobs'
import { useStore } from '../store'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { CopyButton } from '../components/CopyButton'
import { elapsed, useNow } from '../components/time'
import { failureText, stepTitle } from '../components/words'
import { useNeedsLibvirt } from '../state/reach'
import { PageHead } from '../components/PageHead'
import './pages.css'
import { FailureLine } from '../components/FailureLine'
import { NotifyToggle } from '../components/NotifyToggle'

const STATE_CLASS: Record<Job['state'], string> = {
  running: 'warn',
  succeeded: 'ok',
  failed: 'fail',
  cancelled: '',
  interrupted: 'warn',
}
const STEP_MARK: Record<JobStep['state'], string> = {
  pending: '○',
  running: '◐',
  done: '●',
  failed: '✕',
  skipped: '–',
}

export function JobsPage() {
  const t = useT()
  const jobs = useJobs((s) => s.jobs)
  const loaded = useJobs((s) => s.loaded)
  const selected = useJobs((s) => s.selected)
  const setPage = useStore((s) => s.setPage)
  const list = sortedJobs(jobs)
  return (
    <section aria-labelledby="jobs-heading" className="page">
      <PageHead
        id="jobs-heading"
        title={t('jobs.title')}
        subtitle={<p>{t('jobs.subtitle')}</p>}
        actions={
          <>
            <NotifyToggle />
            <button id="jobs-refresh" className="small" onClick={() => void useJobs.getState().load()}>
              {t('jobs.refresh')}
            </button>
          </>
        }
      />
      {!loaded ? (
        <p className="muted">{t('jobs.loading')}</p>
      ) : list.length === 0 ? (
        <div id="jobs-empty" className="empty-state">
          <p className="muted">{t('jobs.none')}</p>
          <button id="jobs-empty-new" className="primary" onClick={() => setPage('wizard')}>
            {t('empty.newLab')}
          </button>
        </div>
      ) : (
        <ol className="jobs">
          {list.map((job) => (
            <JobCard
              key={job.id}
              job={job}
              selected={job.id === selected}
              // A newer job on the same lab (a resume, a delete) takes over: this one offers no actions.
              superseded={list.some((o) => o.lab === job.lab && o.startedAt > job.startedAt)}
              t={t}
            />
          ))}
        </ol>
      )}
    </section>
  )
}

function JobCard({
  job,
  selected,
  superseded,
  t,
}: {
  job: Job
  selected: boolean
  superseded: boolean
  t: Translate
}) {
  const running = job.state === 'running'
  const now = useNow(running)
  const ref = useRef<HTMLLIElement>(null)
  const actionError = useJobs((s) => s.actionError[job.id])
  const labExists = useStore((s) => s.labs.some((l) => l.name === job.lab))
  const elsewhere = useJobs((s) => s.elsewhere[job.id])
  const [confirmDelete, setConfirmDelete] = useState(false)
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'start' })
  }, [selected])
  const lang = useLang((s) => s.lang)
  const failure = job.error && failureText(job.error, lang, t)
  // Resume and delete work on the lab's VMs and networks: not while libvirt is out of reach.
  const libvirt = useNeedsLibvirt(t('reach.needsLibvirt'))
  const id = `job-${job.id}`
  const pct = Math.round(job.progress * 100)
  const resumable =
    !superseded &&
    labExists &&
    job.kind !== 'lab.delete' &&
    (job.state === 'interrupted' || job.state === 'failed')
  const deletable =
    !superseded &&
    labExists &&
    job.kind !== 'lab.delete' &&
    job.state !== 'running' &&
    job.state !== 'succeeded'
  return (
    <li ref={ref} id={id} className={selected ? 'job panel selected' : 'job panel'} data-state={job.state}>
      <div className="job-head">
        <span id={`${id}-state`} className={`badge ${STATE_CLASS[job.state]}`} data-state={job.state}>
          {t(`jobs.state.${job.state}`)}
        </span>
        <span className="job-title">{t(`jobs.kind.${job.kind}`, { lab: job.lab })}</span>
        <span className="muted" id={`${id}-elapsed`} title={t('jobs.elapsed')}>
          {elapsed(job.startedAt, job.finishedAt, now)}
        </span>
        <span className="spacer" />
        {running && (
          <button
            id={`${id}-cancel`}
            className="small"
            onClick={() => void useJobs.getState().cancel(job.id)}
          >
            {t('jobs.cancel')}
          </button>
        )}
        {resumable && (
          <button
            id={`${id}-resume`}
            className="small"
            disabled={libvirt.disabled}
            title={libvirt.title}
            onClick={() => void useJobs.getState().resume(job.id)}
          >
            {t('jobs.resume')}
          </button>
        )}
        {deletable && (
          <button
            id={`${id}-delete`}
            className="small"
            disabled={libvirt.disabled}
            title={libvirt.title}
            onClick={() => setConfirmDelete(true)}
          >
            {t('jobs.deleteLab')}
          </button>
        )}
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        id={`${id}-progress`}
      >
        <div className={`progress-bar ${STATE_CLASS[job.state]}`} style={{ width: `${pct}%` }} />
      </div>
      {job.state === 'interrupted' && (
        <p id={`${id}-interrupted`} className="banner warn">
          {t('jobs.interrupted')}
        </p>
      )}
      {failure && (
        <div id={`${id}-error`} className="job-error" role="alert">
          <p id={`${id}-error-message`}>{failure.message}</p>
          {failure.fix && (
            <div className="fix">
              <span className="fix-label">{t('jobs.fix')}</span>
              <code id={`${id}-fix`}>{failure.fix}</code>
              <CopyButton id={`${id}-fix-copy`} text={failure.fix} />
            </div>
          )}
        </div>
      )}
      {elsewhere && running && (
        <p id={`${id}-elsewhere`} className="banner warn">
          {t('jobs.elsewhere', { pid: job.pid ?? '?' })}
        </p>
      )}
      {actionError && (
        <p id={`${id}-action-error`} className="field-error" role="alert">
          <FailureLine error={actionError} />
        </p>
      )}
      <ol className="steps">
        {job.steps.map((s) => (
          <li key={s.id} id={`${id}-step-${s.id}`} className={`step ${s.state}`} data-state={s.state}>
            <span className="step-mark" aria-hidden="true">
              {STEP_MARK[s.state]}
            </span>
            <span className="step-title">{stepTitle(job.kind, s, t)}</span>
            <span className="step-state muted">
              {job.state === 'interrupted' && s.state === 'running'
                ? t('jobs.state.interrupted')
                : t(`jobs.step.${s.state}`)}
            </span>
            <span className="step-time muted">
              {elapsed(s.startedAt, s.finishedAt ?? job.finishedAt, now)}
            </span>
            {s.detail && <span className="step-detail muted">{s.detail}</span>}
          </li>
        ))}
      </ol>
      <details className="job-log" open={selected && job.state !== 'succeeded'}>
        <summary>{plural(lang, 'jobs.log', job.log.length)}</summary>
        <pre id={`${id}-log`}>{job.log.join('\n')}</pre>
      </details>
      {confirmDelete && (
        <ConfirmDialog
          id="confirm-delete"
          title={t('jobs.deleteTitle', { lab: job.lab })}
          confirm={t('jobs.deleteConfirm')}
          cancel={t('jobs.keep')}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => {
            setConfirmDelete(false)
            void useJobs.getState().deleteLab(job.id)
          }}
        >
          <p>{t('jobs.deleteBody', { lab: job.lab })}</p>
        </ConfirmDialog>
      )}
    </li>
  )
}
