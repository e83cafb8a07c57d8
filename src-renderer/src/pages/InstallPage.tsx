// Install and status: the packstack flow from answer file to success, then per-node OpenStack service
// status and the Horizon link. The answer file is edited through a typed form for the keys users change
// (the engine reads and writes the file, keeping every other line) or raw; it is checked against the lab
// before the run. The run is a job (steps, elapsed time, error and fix); "retry" restores "pre-install".
import { useCallback, useEffect, useState } from 'react'
import type { AnswerFields, AnswerProblem } from '../../../src-shared/packstack'
import type { LabStatusReport } from '../../../src-shared/install'
import type { Job } from '../../../src-shared/jobs'
import type { LabSummary } from '../../../src-shared/lab'
import { requireApi } from '../api/current'
import { useT } from '../i18n'
import './pages.css'
import { useStore } from '../store'
import { stepTitle } from '../components/words'

const SERVICES = ['cinder', 'swift', 'heat', 'ceilometer', 'aodh', 'manila'] as const

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

function errorText(error: unknown): string {
  return (error as Error)?.message ?? String(error)
}

function elapsed(job: Job, now: number): string {
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now
  const s = Math.max(0, Math.round((end - Date.parse(job.startedAt)) / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

export function InstallPage() {
  const t = useT()
  const [labs, setLabs] = useState<LabSummary[]>([])
  const [lab, setLab] = useState('')
  const [error, setError] = useState('')

  useEffect(() => {
    requireApi()
      .call('labs.list', {})
      .then((found) => {
        setLabs(found)
        setLab(
          (current) => current || (found.find((l) => l.status === 'ready')?.name ?? found[0]?.name ?? ''),
        )
      })
      .catch((e: unknown) => setError(errorText(e)))
  }, [])

  return (
    <section aria-labelledby="install-heading" className="install-page">
      <header className="page-head">
        <h1 id="install-heading">{t('install.title')}</h1>
        <div className="install-lab-pick">
          <label htmlFor="install-lab">{t('install.lab')}</label>
          <select id="install-lab" value={lab} onChange={(e) => setLab(e.target.value)}>
            {labs.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name} ({l.status})
              </option>
            ))}
          </select>
        </div>
      </header>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!labs.length && !error && <p className="muted">{t('install.noLabs')}</p>}
      {lab && (
        <>
          <AnswersPanel key={`a-${lab}`} lab={lab} />
          <RunPanel key={`r-${lab}`} lab={lab} />
          <StatusPanel key={`s-${lab}`} lab={lab} />
        </>
      )}
    </section>
  )
}

function AnswersPanel({ lab }: { lab: string }) {
  const t = useT()
  const [text, setText] = useState<string | null>(null)
  const [fields, setFields] = useState<AnswerFields>({})
  const [problems, setProblems] = useState<AnswerProblem[] | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState('')
  const [raw, setRaw] = useState(false)

  const read = useCallback(async (next: string) => {
    const r = await requireApi().call('packstack.answers.read', { text: next })
    setFields(r.fields)
    setText(next)
  }, [])

  const load = async () => {
    setBusy(true)
    setMessage(t('install.answers.loading'))
    try {
      const r = await requireApi().call('lab.answers', { name: lab })
      await read(r.text)
      setMessage(r.generated ? t('install.answers.generated') : t('install.answers.loaded'))
    } catch (e) {
      setMessage(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  const change = async (patch: AnswerFields) => {
    if (text === null) return
    try {
      const r = await requireApi().call('packstack.answers.update', { text, fields: patch })
      await read(r.text)
      setProblems(null)
      setMessage('')
    } catch (e) {
      setMessage(errorText(e))
    }
  }

  const check = async () => {
    if (text === null) return
    try {
      setProblems((await requireApi().call('packstack.answers.check', { text, lab })).problems)
    } catch (e) {
      setMessage(errorText(e))
    }
  }

  const save = async () => {
    if (text === null) return
    try {
      await requireApi().call('lab.answers.save', { name: lab, text })
      setMessage(t('install.answers.saved'))
      await check()
    } catch (e) {
      setMessage(errorText(e))
    }
  }

  return (
    <section className="card" aria-labelledby="answers-heading">
      <h2 id="answers-heading">{t('install.answers.title')}</h2>
      <p className="muted">{t('install.answers.help')}</p>
      <div className="form-actions">
        <button id="answers-load" onClick={() => void load()} disabled={busy}>
          {text === null ? t('install.answers.load') : t('install.answers.reload')}
        </button>
        <span id="answers-message" role="status">
          {message}
        </span>
      </div>
      {text !== null && (
        <>
          <div className="form answers-form">
            <label htmlFor="answers-field-adminPassword">{t('install.field.adminPassword')}</label>
            <input
              id="answers-field-adminPassword"
              type="password"
              autoComplete="new-password"
              defaultValue={fields.adminPassword ?? ''}
              onBlur={(e) => void change({ adminPassword: e.target.value })}
            />
            <label className="checkbox">
              <input
                id="answers-field-provisionDemo"
                type="checkbox"
                checked={fields.provisionDemo ?? false}
                onChange={(e) => void change({ provisionDemo: e.target.checked })}
              />{' '}
              {t('install.field.provisionDemo')}
            </label>
            <TextField
              id="controllerHost"
              value={fields.controllerHost ?? ''}
              onCommit={(v) => change({ controllerHost: v })}
            />
            <TextField
              id="computeHosts"
              value={(fields.computeHosts ?? []).join(', ')}
              onCommit={(v) => change({ computeHosts: list(v) })}
            />
            <TextField
              id="networkHosts"
              value={(fields.networkHosts ?? []).join(', ')}
              onCommit={(v) => change({ networkHosts: list(v) })}
            />
            <TextField
              id="ntpServers"
              value={(fields.ntpServers ?? []).join(', ')}
              onCommit={(v) => change({ ntpServers: list(v) })}
            />
            <TextField
              id="ovsBridgeIfaces"
              value={(fields.ovsBridgeIfaces ?? []).map((p) => `${p.bridge}:${p.iface}`).join(', ')}
              onCommit={(v) =>
                change({
                  ovsBridgeIfaces: list(v).map((pair) => {
                    const [bridge = '', iface = ''] = pair.split(':')
                    return { bridge: bridge.trim(), iface: iface.trim() }
                  }),
                })
              }
            />
            <label htmlFor="answers-field-novaVirtType">{t('install.field.novaVirtType')}</label>
            <select
              id="answers-field-novaVirtType"
              value={fields.novaVirtType ?? ''}
              onChange={(e) => void change({ novaVirtType: e.target.value })}
            >
              {['qemu', 'kvm', '%{::default_hypervisor}'].map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
            <fieldset>
              <legend>{t('install.field.services')}</legend>
              {SERVICES.map((s) => (
                <label key={s} className="checkbox">
                  <input
                    id={`answers-service-${s}`}
                    type="checkbox"
                    checked={fields.install?.[s] ?? false}
                    onChange={(e) => void change({ install: { [s]: e.target.checked } })}
                  />{' '}
                  {s}
                </label>
              ))}
            </fieldset>
          </div>
          <div className="form-actions">
            <button id="answers-raw-toggle" onClick={() => setRaw(!raw)} aria-expanded={raw}>
              {raw ? t('install.answers.hideRaw') : t('install.answers.showRaw')}
            </button>
            <button id="answers-check" onClick={() => void check()}>
              {t('install.answers.check')}
            </button>
            <button id="answers-save" className="primary" onClick={() => void save()}>
              {t('install.answers.save')}
            </button>
          </div>
          {raw && (
            <textarea
              id="answers-raw"
              aria-label={t('install.answers.raw')}
              spellCheck={false}
              rows={18}
              value={text}
              onChange={(e) => setText(e.target.value)}
              onBlur={(e) => void read(e.target.value).catch((err: unknown) => setMessage(errorText(err)))}
            />
          )}
          {problems && (
            <ul id="answers-problems" className="problems">
              {problems.length === 0 && <li className="ok">{t('install.answers.noProblems')}</li>}
              {problems.map((p, i) => (
                <li key={i} className={p.severity === 'error' ? 'fail' : 'warn'}>
                  <code>{p.key}</code>: {p.message}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  )
}

/** Answer-file fields edited as one line of text (lists comma-separated). */
type TextFieldId = 'controllerHost' | 'computeHosts' | 'networkHosts' | 'ntpServers' | 'ovsBridgeIfaces'

function TextField({
  id,
  value,
  onCommit,
}: {
  id: TextFieldId
  value: string
  onCommit: (v: string) => Promise<void>
}) {
  const t = useT()
  return (
    <>
      <label htmlFor={`answers-field-${id}`}>{t(`install.field.${id}`)}</label>
      <input
        id={`answers-field-${id}`}
        key={value}
        defaultValue={value}
        spellCheck={false}
        onBlur={(e) => {
          if (e.target.value !== value) void onCommit(e.target.value)
        }}
      />
    </>
  )
}

function RunPanel({ lab }: { lab: string }) {
  const t = useT()
  const [job, setJob] = useState<Job | null>(null)
  const [message, setMessage] = useState('')
  const [log, setLog] = useState<string | null>(null)
  const [now, setNow] = useState(() => Date.now())

  useEffect(() => {
    const api = requireApi()
    const mine = (j: Job) => j.lab === lab && (j.kind === 'lab.install' || j.kind === 'lab.retry')
    api
      .call('jobs.list', {})
      .then((jobs) => setJob(jobs.find(mine) ?? null))
      .catch(() => undefined)
    const off = api.on('job.updated', (j) => {
      if (mine(j)) setJob(j)
    })
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => {
      off()
      clearInterval(timer)
    }
  }, [lab])

  const start = async (retry: boolean) => {
    setMessage('')
    setLog(null)
    try {
      setJob(await requireApi().call('lab.install', { name: lab, retry }))
    } catch (e) {
      setMessage(errorText(e))
    }
  }

  const showLog = async () => {
    try {
      const r = await requireApi().call('lab.installLog', { name: lab })
      // eslint-disable-next-line no-control-regex
      setLog(r.text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '\n'))
    } catch (e) {
      setMessage(errorText(e))
    }
  }

  const running = job?.state === 'running'
  return (
    <section className="card" aria-labelledby="run-heading">
      <h2 id="run-heading">{t('install.run.title')}</h2>
      <p className="muted">{t('install.run.help')}</p>
      <div className="form-actions">
        <button id="install-start" className="primary" disabled={running} onClick={() => void start(false)}>
          {job?.state === 'interrupted' ? t('install.run.reattach') : t('install.run.start')}
        </button>
        <button id="install-retry" disabled={running} onClick={() => void start(true)}>
          {t('install.run.retry')}
        </button>
        {running && (
          <button id="install-cancel" onClick={() => void requireApi().call('job.cancel', { id: job.id })}>
            {t('install.run.cancel')}
          </button>
        )}
        <button id="install-log-show" onClick={() => void showLog()}>
          {t('install.run.showLog')}
        </button>
        <span role="status">{message}</span>
      </div>
      {job && (
        <div id="install-job" data-state={job.state}>
          <p>
            <strong>{t(`jobs.kind.${job.kind}`, { lab: job.lab })}</strong> ·{' '}
            <span id="install-job-state">{t(`install.state.${job.state}`)}</span> ·{' '}
            <span id="install-elapsed">{elapsed(job, now)}</span>
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
          {job.error && (
            <div className="banner fail" role="alert">
              <p id="install-error">{job.error.message}</p>
              {job.error.fix && (
                <p>
                  {t('install.run.fix')}: <code id="install-fix">{job.error.fix}</code>
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

function StatusPanel({ lab }: { lab: string }) {
  const t = useT()
  const [report, setReport] = useState<LabStatusReport | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState('')
  const [reveal, setReveal] = useState(false)

  const refresh = async () => {
    setBusy(true)
    setMessage('')
    try {
      const next = await requireApi().call('lab.status', { name: lab })
      setReport(next)
      // The topology shows each node's OpenStack health from the latest status.
      for (const n of next.nodes) useStore.getState().setServiceHealth(n.domain, n.health)
    } catch (e) {
      setMessage(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card" aria-labelledby="status-heading">
      <h2 id="status-heading">{t('install.status.title')}</h2>
      <div className="form-actions">
        <button id="status-refresh" onClick={() => void refresh()} disabled={busy}>
          {busy ? t('install.status.checking') : t('install.status.refresh')}
        </button>
        <span role="status">{message}</span>
      </div>
      {report && (
        <>
          {report.horizon ? (
            <p id="status-horizon">
              Horizon:{' '}
              <a href={report.horizon.url} target="_blank" rel="noreferrer">
                {report.horizon.url}
              </a>{' '}
              · {t('install.status.user')} <code>{report.horizon.username}</code> ·{' '}
              {t('install.status.password')}{' '}
              <code id="status-password">{reveal ? report.horizon.password : '••••••••'}</code>{' '}
              <button onClick={() => setReveal(!reveal)}>
                {reveal ? t('install.status.hide') : t('install.status.show')}
              </button>
            </p>
          ) : (
            <p className="muted">{t('install.status.notInstalled')}</p>
          )}
          <table className="table">
            <thead>
              <tr>
                <th>{t('install.status.node')}</th>
                <th>{t('install.status.health')}</th>
                <th>VM</th>
                <th>SSH</th>
                <th>{t('install.status.services')}</th>
              </tr>
            </thead>
            <tbody>
              {report.nodes.map((n) => (
                <tr key={n.name} id={`status-node-${n.name}`} className={n.flagged ? 'flagged' : undefined}>
                  <td>
                    {n.name} <span className="muted">{n.address}</span>
                  </td>
                  <td id={`status-node-${n.name}-health`} data-health={n.health}>
                    {t(`install.health.${n.health}`)}
                  </td>
                  <td>{n.vmState}</td>
                  <td>{n.reachable ? t('install.status.yes') : t('install.status.no')}</td>
                  <td>
                    {n.services.map((s) => (
                      <span key={s.name} className={`badge ${s.ok ? 'ok' : 'fail'}`} title={s.state}>
                        {s.name}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.services.length > 0 && (
            <table className="table" id="status-api">
              <thead>
                <tr>
                  <th>{t('install.status.kind')}</th>
                  <th>{t('install.status.binary')}</th>
                  <th>{t('install.status.host')}</th>
                  <th>{t('install.status.state')}</th>
                </tr>
              </thead>
              <tbody>
                {report.services.map((s, i) => (
                  <tr key={i} className={s.ok ? undefined : 'flagged'}>
                    <td>{s.kind}</td>
                    <td>{s.binary}</td>
                    <td>{s.host}</td>
                    <td>{s.state}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.problems.length > 0 && (
            <ul id="status-problems" className="problems">
              {report.problems.map((p, i) => (
                <li key={i} className="fail">
                  {p}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  )
}
