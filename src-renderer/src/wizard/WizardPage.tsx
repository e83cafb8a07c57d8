// The lab wizard: the seeds' default lab to start from, every field checked as the user types with the
// engine's own schema and its rules against this host's live networks, VMs and labs (each problem next to
// its field, with a free value to take where the host has the one typed), the list of what will be created
// (named as the engine names it), YAML import/export, and one click to create (the engine checks again).
// The page holds the lab fields and the create flow; nodes, the plan and YAML are one file each.
import { useMemo, useState } from 'react'
import { PRESETS } from '../../../src-shared/lab'
import { FACTS, releaseInfo, type FactId } from '../../../src-shared/lifecycle'
import { ApiError } from '../../../src-shared/errors'
import { call } from '../api/current'
import { isMessageKey, usePlural, useT } from '../i18n'
import { PageHead } from '../components/PageHead'
import { useStore } from '../store'
import { useJobs } from '../state/jobs'
import type { HostView } from '../../../src-shared/lab-host'
import { check, checkHost, fieldKey, useWizard, warningsOf, type FieldIssues } from '../state/wizard'
import { NodeEditor } from './NodeEditor'
import { Plan } from './Plan'
import { NETWORK_FIELDS, OtherProblems, Problems, Proposal, Warnings } from './problems'
import { YamlPanel } from './YamlPanel'
import { BaseImage } from './BaseImage'
import { StatusLine } from '../components/FailureLine'
import { shownFailure, type ShownFailure } from '../components/words'
import { CreateBlocked } from './CreateBlocked'
import { useBlocker } from '../state/reach'
import '../pages/pages.css'

export function WizardPage() {
  const t = useT()
  const n = usePlural()
  const w = useWizard()
  const draft = w.draft
  const settings = useStore((s) => s.settings)
  const [serverIssues, setServerIssues] = useState<FieldIssues>({})
  const [serverWarnings, setServerWarnings] = useState<FieldIssues>({})
  const [status, setStatus] = useState<string | ShownFailure>('')
  const [busy, setBusy] = useState(false)
  // libvirt out of reach, or a failed preflight check: the engine would refuse, so Create says why instead.
  const blocker = useBlocker()
  // The host as the engine's events keep it: the draft is checked against it on every keystroke.
  const libvirt = useStore((s) => s.libvirt)
  const labs = useStore((s) => s.labs)
  const host = useMemo<HostView | null>(
    () =>
      libvirt.loaded && !libvirt.error
        ? {
            networks: Object.values(libvirt.networks),
            domains: Object.values(libvirt.domains),
            labs: labs.map((l) => l.name),
          }
        : null,
    [libvirt, labs],
  )
  const hosted = useMemo(() => (host ? checkHost(draft, host) : { issues: {}, proposals: {} }), [draft, host])
  const local = useMemo(() => {
    const found = check(draft)
    for (const [key, messages] of Object.entries(hosted.issues)) (found[key] ??= []).push(...messages)
    return found
  }, [draft, hosted])
  const proposals = hosted.proposals
  const localWarnings = useMemo(() => warningsOf(draft), [draft])
  const issues: FieldIssues = { ...serverIssues, ...local }
  const valid = Object.keys(local).length === 0
  const invalid = (at: string) => (issues[at]?.length ? true : undefined)

  const edit = (fn: () => void) => {
    fn()
    setServerIssues({})
    setServerWarnings({})
    setStatus('')
  }

  const create = async () => {
    if (!valid) return
    setBusy(true)
    setStatus(t('wizard.checking'))
    try {
      // The engine checks too (it is the one that creates): its word is final.
      const verdict = await call('lab.validate', { definition: draft })
      const warned: FieldIssues = {}
      for (const w of verdict.warnings) (warned[fieldKey(w.path)] ??= []).push(w.message)
      setServerWarnings(warned)
      if (!verdict.ok) {
        const found: FieldIssues = {}
        for (const i of verdict.issues) (found[fieldKey(i.path)] ??= []).push(i.message)
        setServerIssues(found)
        setStatus(t('wizard.engineRefused'))
        return
      }
      const job = await call('lab.create', { definition: draft })
      useJobs.getState().upsert(job)
      useJobs.getState().select(job.id)
      setStatus('')
      useStore.getState().setPage('jobs')
    } catch (error) {
      const found: FieldIssues = {}
      const issues = error instanceof ApiError ? error.issues : undefined
      for (const i of issues ?? []) (found[fieldKey(i.path)] ??= []).push(i.message)
      setServerIssues(found)
      setStatus(shownFailure(error))
    } finally {
      setBusy(false)
    }
  }

  const preset = PRESETS.find((p) => p.id === draft.preset)
  return (
    <section aria-labelledby="wizard-heading" className="page">
      <PageHead
        id="wizard-heading"
        title={t('wizard.title')}
        subtitle={<p>{t('wizard.intro')}</p>}
        actions={
          <button id="wizard-reset" className="small" onClick={() => edit(w.reset)}>
            {t('wizard.reset')}
          </button>
        }
      />

      <div className="wizard-grid">
        <div className="wizard-form">
          <fieldset className="panel">
            <legend>{t('wizard.lab')}</legend>
            <div className="field-row">
              <label htmlFor="wizard-name">{t('wizard.name')}</label>
              <input
                id="wizard-name"
                value={draft.name}
                aria-invalid={invalid('name')}
                onChange={(e) => edit(() => w.setName(e.target.value))}
              />
              <Problems issues={issues} at="name" />
              <Proposal proposals={proposals} at="name" take={(v) => edit(() => w.setName(v))} t={t} />
            </div>
            <div className="field-row">
              <label htmlFor="wizard-preset">{t('wizard.preset')}</label>
              <select
                id="wizard-preset"
                value={draft.preset}
                aria-invalid={invalid('preset')}
                onChange={(e) => edit(() => w.setPreset(e.target.value))}
              >
                {PRESETS.filter((p) => !p.preview || p.id === draft.preset).map((p) => {
                  const key = `preset.${p.id}`
                  return (
                    <option key={p.id} value={p.id}>
                      {isMessageKey(key) ? t(key) : p.label}
                    </option>
                  )
                })}
              </select>
              <Facts id="wizard-preset-facts" facts={preset?.facts ?? []} />
              {preset?.eol && <p className="hint warn-text">{t('wizard.presetEol')}</p>}
              <Problems issues={issues} at="preset" />
            </div>
            <BaseImage issues={issues} edit={edit} />
            <div className="field-row">
              <label htmlFor="wizard-release">{t('wizard.release')}</label>
              <select
                id="wizard-release"
                value={draft.release}
                aria-invalid={invalid('release')}
                onChange={(e) => edit(() => w.setDraft({ ...draft, release: e.target.value }))}
              >
                {(preset?.releases ?? [draft.release]).map((r) => {
                  const version = releaseInfo(r)?.version
                  return (
                    <option key={r} value={r}>
                      {version ? t('wizard.release.version', { release: r, version }) : r}
                    </option>
                  )
                })}
              </select>
              <Facts
                id="wizard-release-facts"
                facts={(releaseInfo(draft.release)?.facts ?? []).filter((f) => !preset?.facts.includes(f))}
              />
              <Problems issues={issues} at="release" />
            </div>
            <div className="field-row">
              <label htmlFor="wizard-domain">{t('wizard.domain')}</label>
              <input
                id="wizard-domain"
                value={draft.domain}
                aria-invalid={invalid('domain')}
                onChange={(e) => edit(() => w.setDraft({ ...draft, domain: e.target.value }))}
              />
              <Problems issues={issues} at="domain" />
            </div>
          </fieldset>

          <fieldset className="panel">
            <legend>{t('wizard.networks')}</legend>
            <Problems issues={issues} at="networks" />
            {draft.networks.map((net, i) => (
              <div key={i} className="field-row" id={`wizard-network-${i}`}>
                <label htmlFor={`wizard-network-${i}-subnet`}>
                  {net.name}{' '}
                  <span className="muted">
                    {net.mode === 'nat' ? t('wizard.network.nat') : t('wizard.network.isolated')}
                  </span>
                </label>
                <input
                  id={`wizard-network-${i}-subnet`}
                  value={net.subnet}
                  readOnly={net.mode === 'nat'}
                  title={net.mode === 'nat' ? t('wizard.network.natFixed') : undefined}
                  aria-invalid={invalid(`networks-${i}-subnet`)}
                  onChange={(e) => edit(() => w.setSubnet(i, e.target.value))}
                />
                <Problems issues={issues} at={`networks-${i}-subnet`} />
                <Proposal
                  proposals={proposals}
                  at={`networks-${i}-subnet`}
                  take={(v) => edit(() => w.setSubnet(i, v))}
                  t={t}
                />
                {NETWORK_FIELDS.map((field) => (
                  <Problems key={field} issues={issues} at={`networks-${i}-${field}`} />
                ))}
                <Proposal
                  proposals={proposals}
                  at={`networks-${i}-name`}
                  take={(v) => edit(() => w.renameNetwork(i, v))}
                  t={t}
                />
              </div>
            ))}
          </fieldset>

          <fieldset className="panel">
            <legend>{t('wizard.nodes')}</legend>
            <Problems issues={issues} at="nodes" />
            {draft.nodes.map((node, i) => (
              <NodeEditor
                key={i}
                index={i}
                node={node}
                draft={draft}
                issues={issues}
                proposals={proposals}
                edit={edit}
                t={t}
              />
            ))}
            <button
              id="wizard-add-compute"
              onClick={() => edit(w.addCompute)}
              disabled={draft.nodes.length >= 16}
            >
              {t('wizard.addCompute')}
            </button>
          </fieldset>

          <YamlPanel t={t} onChange={() => edit(() => undefined)} />
        </div>

        <aside className="wizard-side">
          <Plan draft={draft} valid={valid} imagesDir={settings?.imagesDir ?? ''} t={t} />
          {!libvirt.loaded ? (
            <p id="wizard-host-check" className="muted">
              {t('wizard.host.reading')}
            </p>
          ) : libvirt.error ? (
            <p id="wizard-host-check" className="warn-text">
              {/* In words only: the page's unreachable panel says why, with libvirt's own text in its details. */}
              {t('wizard.host.unchecked')}
            </p>
          ) : null}
          <Problems issues={issues} at="lab" />
          <OtherProblems issues={issues} />
          <Warnings warnings={{ ...localWarnings, ...serverWarnings }} t={t} />
          <div className="form-actions">
            <button
              id="wizard-create"
              className="primary"
              disabled={!valid || busy || blocker !== null}
              aria-describedby={blocker ? 'wizard-blocked' : undefined}
              onClick={() => void create()}
            >
              {t('wizard.create')}
            </button>
            <span id="wizard-status" className="muted" role="status">
              {!valid ? n('wizard.fixFirst', Object.keys(local).length) : <StatusLine value={status} />}
            </span>
          </div>
          <CreateBlocked blocker={blocker} />
        </aside>
      </div>
    </section>
  )
}

/** What a preset or release means (end of life, end of RDO packaging), in the user's language. */
function Facts({ id, facts }: { id: string; facts: readonly FactId[] }) {
  const t = useT()
  if (!facts.length) return null
  return (
    <ul id={id} className="hint facts">
      {facts.map((f) => {
        const key = `lifecycle.${f}`
        const fact = FACTS[f]
        return (
          <li key={f} data-fact={f} className={fact.when === 'past' ? 'warn-text' : undefined}>
            {isMessageKey(key) ? t(key, { date: fact.date }) : fact.text}
          </li>
        )
      })}
    </ul>
  )
}
