// The distribution-packages install of a lab: its stages in order with where each stands (done, failed,
// next), how long each took, and every config file Stacklab writes in that stage, exactly as written (a
// learner sees what changed, as seed 004 lists the files). Read from the engine (lab.installFiles); the
// run itself is the Run panel's job.
import { useEffect, useState } from 'react'
import type { CallOutput } from '../../../src-shared/api'
import { useT } from '../i18n'
import { installJobOf, useJobs } from '../state/jobs'
import { useStore } from '../store'
import { shownFailure, type ShownFailure } from '../components/words'
import { StatusLine } from '../components/FailureLine'

type Files = CallOutput<'lab.installFiles'>

export function StagesPanel({ lab }: { lab: string }) {
  const t = useT()
  const call = useStore((s) => s.call)
  const job = useJobs((s) => installJobOf(s.jobs, lab))
  const [data, setData] = useState<Files | null>(null)
  const [message, setMessage] = useState<string | ShownFailure>('')

  // Read on opening, and again whenever the install job moves on (a stage done or failed changes the progress).
  const jobState = job ? `${job.id}:${job.state}:${job.steps.filter((s) => s.state === 'done').length}` : ''
  useEffect(() => {
    let gone = false
    call('lab.installFiles', { name: lab }).then(
      (r) => {
        if (gone) return
        setData(r)
        setMessage('')
      },
      (e: unknown) => {
        if (!gone) setMessage(shownFailure(e))
      },
    )
    return () => {
      gone = true
    }
  }, [call, lab, jobState])

  const progress = data?.progress
  const stateOf = (id: string): 'done' | 'failed' | 'running' | 'pending' => {
    if (progress?.done.includes(id)) return 'done'
    if (progress?.failed === id) return 'failed'
    if (job?.state === 'running' && job.steps.some((s) => s.id === id && s.state === 'running'))
      return 'running'
    return 'pending'
  }

  return (
    <section className="card" aria-labelledby="stages-heading">
      <h2 id="stages-heading">{t('install.stages.title')}</h2>
      <p className="muted">{t('install.stages.help')}</p>
      <span role="status">
        <StatusLine value={message} />
      </span>
      {data && (
        <ol className="install-stages" id="install-stages">
          {data.stages.map((s) => {
            const state = stateOf(s.id)
            const seconds = progress?.seconds[s.id]
            return (
              <li key={s.id} data-stage={s.id} data-state={state}>
                <span className={`badge ${state === 'done' ? 'ok' : state === 'failed' ? 'bad' : ''}`}>
                  {t(`install.stages.state.${state}`)}
                </span>{' '}
                <strong>{s.title}</strong>
                {seconds !== undefined && (
                  <span className="muted"> · {t('install.stages.seconds', { seconds })}</span>
                )}
                {s.files.length > 0 && (
                  <details>
                    <summary>{t('install.stages.files', { count: s.files.length })}</summary>
                    {s.files.map((f) => (
                      <div key={`${f.node}:${f.path}`} className="stage-file">
                        <p>
                          <code>
                            {f.node}:{f.path}
                          </code>{' '}
                          <span className="muted">{f.purpose}</span>
                        </p>
                        <pre tabIndex={0} aria-label={`${f.node}:${f.path}`}>
                          {f.content}
                        </pre>
                      </div>
                    ))}
                  </details>
                )}
              </li>
            )
          })}
        </ol>
      )}
    </section>
  )
}
