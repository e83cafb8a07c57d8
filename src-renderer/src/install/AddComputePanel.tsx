// "Add compute node" for a lab (the Install page and a lab VM's details on the topology): a small form that
// proposes a free name, a free address on each of the lab's networks and the existing compute's size, then
// starts lab.addNode and follows its job. On a lab with OpenStack installed the job also joins the node to
// it (packstack with the installed servers excluded, or the packages install's compute part of each stage;
// then discover_hosts, nova-compute up); it says so first.
import { useState } from 'react'
import { ApiError } from '../../../src-shared/errors'
import { openstackInstalled } from '../../../src-shared/install'
import type { LabState, NodeDef } from '../../../src-shared/lab'
import { computeModel, proposeComputeNode } from '../../../src-shared/lab-grow'
import { FieldError } from '../components/FieldError'
import { StatusLine } from '../components/FailureLine'
import { failureText, shownFailure, stepTitle, type ShownFailure } from '../components/words'
import { useLang, useT } from '../i18n'
import { sortedJobs, useJobs } from '../state/jobs'
import { useStore } from '../store'
import { useNeedsLibvirt } from '../state/reach'

interface Draft {
  name: string
  ips: string[]
  vcpus: string
  memoryMiB: string
  diskGiB: string
}

const draftOf = (node: NodeDef): Draft => ({
  name: node.name,
  ips: node.nics.map((n) => n.ip),
  vcpus: String(node.vcpus),
  memoryMiB: String(node.memoryMiB),
  diskGiB: String(node.diskGiB),
})

/** A number field as typed: a whole number, or the text itself (the engine names what is wrong with it). */
const num = (v: string): number | string => (/^\s*\d+\s*$/.test(v) ? Number(v) : v)

export function AddComputePanel({ lab, idPrefix = 'add-compute' }: { lab: string; idPrefix?: string }) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const call = useStore((s) => s.call)
  const ready = useStore((s) => s.labs.find((l) => l.name === lab)?.status === 'ready')
  // A new node is a new VM (and a checkpoint of the others): not while libvirt is out of reach.
  const libvirt = useNeedsLibvirt(t('reach.needsLibvirt'))
  const [state, setState] = useState<LabState | null>(null)
  const [draft, setDraft] = useState<Draft | null>(null)
  const [error, setError] = useState<ShownFailure | null>(null)
  // The refusal's field issues (paths as the engine names them: node.name, node.nics.0.ip...).
  const [issues, setIssues] = useState<{ path: string; message: string }[]>([])
  const [jobId, setJobId] = useState<string | null>(null)
  // On an installed lab: join the node in the same job (the default), or add the VM only to join by hand.
  const [joinNow, setJoinNow] = useState(true)
  // The job this form started, else the lab's newest add (one started elsewhere, or before a reload).
  const job = useJobs((s) =>
    jobId ? s.jobs[jobId] : sortedJobs(s.jobs).find((j) => j.lab === lab && j.kind === 'lab.addNode'),
  )
  const id = (part: string) => `${idPrefix}-${part}`

  const open = async () => {
    setError(null)
    try {
      const s = await call('lab.get', { name: lab })
      setState(s)
      setDraft(draftOf(proposeComputeNode(s.definition)))
    } catch (e) {
      setError(shownFailure(e))
    }
  }

  const submit = async () => {
    if (!state || !draft) return
    setError(null)
    setIssues([])
    const node = {
      name: draft.name.trim(),
      role: 'compute',
      vcpus: num(draft.vcpus),
      memoryMiB: num(draft.memoryMiB),
      diskGiB: num(draft.diskGiB),
      nics: computeModel(state.definition).nics.map((nic, i) => ({
        network: nic.network,
        ip: (draft.ips[i] ?? '').trim(),
      })),
    }
    try {
      const started = await call('lab.addNode', {
        name: lab,
        node: node as NodeDef,
        ...(installedNow && !joinNow ? { join: false } : {}),
      })
      useJobs.getState().upsert(started)
      setJobId(started.id)
      setDraft(null)
    } catch (e) {
      setError(shownFailure(e))
      setIssues(e instanceof ApiError ? (e.issues ?? []) : [])
    }
  }

  const issueAt = (path: string) =>
    issues.find((i) => i.path === path || i.path.startsWith(`${path}.`))?.message
  const installedNow = state ? openstackInstalled(state) : false
  const joins = installedNow && joinNow
  const failure = job?.error && failureText(job.error, lang, t)
  const networks = state && computeModel(state.definition).nics

  return (
    <section className="card add-compute" aria-labelledby={id('heading')}>
      <h2 id={id('heading')}>{t('grow.title')}</h2>
      <p className="muted">{t('grow.help')}</p>
      {!draft && (
        <div className="form-actions">
          <button
            id={id('open')}
            disabled={!ready || job?.state === 'running' || libvirt.disabled}
            title={libvirt.title}
            onClick={() => void open()}
          >
            {t('grow.open')}
          </button>
          {!ready && <span className="muted">{t('grow.notReady')}</span>}
        </div>
      )}
      {draft && state && (
        <form
          id={id('form')}
          onSubmit={(e) => {
            e.preventDefault()
            void submit()
          }}
        >
          {installedNow && (
            <label className="checkbox">
              <input
                id={id('join')}
                type="checkbox"
                checked={joinNow}
                onChange={(e) => setJoinNow(e.target.checked)}
              />{' '}
              {t('grow.joinNow')}
            </label>
          )}
          <p id={id('joins')} className="muted" data-joins={joins}>
            {joins ? t('grow.joins') : installedNow ? t('grow.byHand') : t('grow.vmOnly')}
          </p>
          <label htmlFor={id('name')}>{t('grow.name')}</label>
          <input
            id={id('name')}
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          />
          <FieldError text={issueAt('node.name')} />
          {networks?.map((nic, i) => (
            <div key={nic.network}>
              <label htmlFor={id(`ip-${i}`)}>{t('grow.address', { network: nic.network })}</label>
              <input
                id={id(`ip-${i}`)}
                className="mono"
                value={draft.ips[i] ?? ''}
                onChange={(e) =>
                  setDraft({ ...draft, ips: draft.ips.map((v, j) => (j === i ? e.target.value : v)) })
                }
              />
              <FieldError text={issueAt(`node.nics.${i}`)} />
            </div>
          ))}
          <div className="form-row">
            {(['vcpus', 'memoryMiB', 'diskGiB'] as const).map((f) => (
              <div key={f}>
                <label htmlFor={id(f)}>{t(`grow.${f}`)}</label>
                <input
                  id={id(f)}
                  inputMode="numeric"
                  value={draft[f]}
                  onChange={(e) => setDraft({ ...draft, [f]: e.target.value })}
                />
                <FieldError text={issueAt(`node.${f}`)} />
              </div>
            ))}
          </div>
          <div className="form-actions">
            <button id={id('submit')} className="primary" type="submit">
              {joins ? t('grow.submitJoin') : t('grow.submit')}
            </button>
            <button id={id('cancel')} type="button" onClick={() => setDraft(null)}>
              {t('grow.cancel')}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p id={id('error')} className="field-error" role="alert">
          <StatusLine value={error} />
        </p>
      )}
      {job && (
        <div id={id('job')} data-state={job.state}>
          <p>
            <strong>{job.title}</strong> · <span id={id('job-state')}>{t(`install.state.${job.state}`)}</span>
          </p>
          <progress value={job.progress} max={1} aria-label={t('install.run.progress')} />
          <ol className="steps">
            {job.steps.map((s) => (
              <li key={s.id} id={id(`step-${s.id}`)} data-state={s.state}>
                <span className={`badge ${s.state}`}>{t(`install.step.${s.state}`)}</span>{' '}
                {stepTitle(job.kind, s, t)}
                {s.detail && <span className="muted pre-line"> — {s.detail}</span>}
              </li>
            ))}
          </ol>
          {failure && (
            <div className="banner fail" role="alert">
              <p id={id('job-error')}>{failure.message}</p>
              {failure.fix && (
                <p>
                  {t('install.run.fix')}: <code>{failure.fix}</code>
                </p>
              )}
            </div>
          )}
        </div>
      )}
    </section>
  )
}
