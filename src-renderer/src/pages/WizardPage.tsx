// The lab wizard: the seeds' default lab to start from, every field checked as the user types with the
// engine's own schema (each problem next to its field), the list of what will be created (named as the
// engine names it), YAML import/export, and one click to create (the engine checks again first).
import { useMemo, useRef, useState } from 'react'
import {
  BASE_IMAGE_DIR,
  MIN_MEMORY_MIB,
  PRESETS,
  SUPPORTED_ROLES,
  type Role,
  baseImageName,
  nodeDiskFile,
  nodeDomainName,
} from '../../../src-shared/lab'
import type { ApiError } from '../../../src-shared/errors'
import { call } from '../api/current'
import { useT } from '../i18n'
import { useStore } from '../store'
import { useJobs } from '../state/jobs'
import { check, fieldKey, useWizard, warningsOf, type Draft, type FieldIssues } from '../state/wizard'
import { MAX_LAB_FILE_BYTES, MAX_LAB_FILE_TEXT } from '../../../src-shared/user-yaml'
import './pages.css'

type T = ReturnType<typeof useT>

function Problems({ issues, at }: { issues: FieldIssues; at: string }) {
  const list = issues[at]
  if (!list?.length) return null
  return (
    <p id={`wizard-error-${at}`} className="field-error" role="alert">
      {list.join('; ')}
    </p>
  )
}

/** What works but is likely not meant: listed, and it does not stop create. */
function Warnings({ warnings, t }: { warnings: FieldIssues; t: T }) {
  const entries = Object.entries(warnings)
  if (!entries.length) return null
  return (
    <div id="wizard-warnings" className="panel">
      <h3 className="warn-text">{t('wizard.warnings')}</h3>
      <ul>
        {entries.map(([key, messages]) => (
          <li key={key} id={`wizard-warning-${key}`}>
            <code>{key.replace(/-/g, '.')}</code>: {messages.join('; ')}
          </li>
        ))}
      </ul>
    </div>
  )
}

const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value))

export function WizardPage() {
  const t = useT()
  const w = useWizard()
  const draft = w.draft
  const settings = useStore((s) => s.settings)
  const [serverIssues, setServerIssues] = useState<FieldIssues>({})
  const [serverWarnings, setServerWarnings] = useState<FieldIssues>({})
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)
  const local = useMemo(() => check(draft), [draft])
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
      const e = error as ApiError
      const found: FieldIssues = {}
      for (const i of e.issues ?? []) (found[fieldKey(i.path)] ??= []).push(i.message)
      setServerIssues(found)
      setStatus(e.message)
    } finally {
      setBusy(false)
    }
  }

  const preset = PRESETS.find((p) => p.id === draft.preset)
  return (
    <section aria-labelledby="wizard-heading" className="page">
      <header className="page-head">
        <h1 id="wizard-heading">{t('wizard.title')}</h1>
        <button id="wizard-reset" className="small" onClick={() => edit(w.reset)}>
          {t('wizard.reset')}
        </button>
      </header>
      <p className="muted">{t('wizard.intro')}</p>

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
            </div>
            <div className="field-row">
              <label htmlFor="wizard-preset">{t('wizard.preset')}</label>
              <select
                id="wizard-preset"
                value={draft.preset}
                aria-invalid={invalid('preset')}
                onChange={(e) => edit(() => w.setPreset(e.target.value))}
              >
                {PRESETS.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                  </option>
                ))}
              </select>
              {preset?.eol && <p className="hint warn-text">{t('wizard.presetEol')}</p>}
              <Problems issues={issues} at="preset" />
            </div>
            <div className="field-row">
              <label htmlFor="wizard-release">{t('wizard.release')}</label>
              <select
                id="wizard-release"
                value={draft.release}
                aria-invalid={invalid('release')}
                onChange={(e) => edit(() => w.setDraft({ ...draft, release: e.target.value }))}
              >
                {(preset?.releases ?? [draft.release]).map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
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
                {NETWORK_FIELDS.map((field) => (
                  <Problems key={field} issues={issues} at={`networks-${i}-${field}`} />
                ))}
              </div>
            ))}
          </fieldset>

          <fieldset className="panel">
            <legend>{t('wizard.nodes')}</legend>
            <Problems issues={issues} at="nodes" />
            {draft.nodes.map((node, i) => (
              <NodeEditor key={i} index={i} node={node} draft={draft} issues={issues} edit={edit} t={t} />
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
          <Problems issues={issues} at="lab" />
          <OtherProblems issues={issues} />
          <Warnings warnings={{ ...localWarnings, ...serverWarnings }} t={t} />
          <div className="form-actions">
            <button
              id="wizard-create"
              className="primary"
              disabled={!valid || busy}
              onClick={() => void create()}
            >
              {t('wizard.create')}
            </button>
            <span id="wizard-status" className="muted" role="status">
              {!valid ? t('wizard.fixFirst', { count: Object.keys(local).length }) : status}
            </span>
          </div>
        </aside>
      </div>
    </section>
  )
}

/** A network's fields besides its subnet: shown with the network (only YAML sets them, the rules are the engine's). */
const NETWORK_FIELDS = ['name', 'mode', 'gateway', 'dhcp', 'dhcp-start', 'dhcp-end']

/** Fields the form shows a problem next to; anything else (a field only YAML sets) is listed here. */
const SHOWN =
  /^(name|preset|release|domain|networks|nodes|lab|networks-\d+-(subnet|name|mode|gateway|dhcp|dhcp-start|dhcp-end)|nodes-\d+-(name|role|vcpus|memoryMiB|diskGiB|nics)|nodes-\d+-nics-\d+-(ip|network))$/

function OtherProblems({ issues }: { issues: FieldIssues }) {
  const other = Object.entries(issues).filter(([key]) => !SHOWN.test(key))
  if (!other.length) return null
  return (
    <ul id="wizard-other-problems" className="field-error">
      {other.map(([key, messages]) => (
        <li key={key} id={`wizard-error-${key}`}>
          <code>{key.replace(/-/g, '.')}</code>: {messages.join('; ')}
        </li>
      ))}
    </ul>
  )
}

function NodeEditor({
  index: i,
  node,
  draft,
  issues,
  edit,
  t,
}: {
  index: number
  node: Draft['nodes'][number]
  draft: Draft
  issues: FieldIssues
  edit: (fn: () => void) => void
  t: T
}) {
  const w = useWizard()
  const at = (field: string) => `nodes-${i}-${field}`
  const invalid = (key: string) => (issues[key]?.length ? true : undefined)
  const numberField = (field: 'vcpus' | 'memoryMiB' | 'diskGiB', label: string, step?: number) => (
    <div className="field-row small">
      <label
        htmlFor={`wizard-node-${i}-${field === 'memoryMiB' ? 'memory' : field === 'diskGiB' ? 'disk' : field}`}
      >
        {label}
      </label>
      <input
        id={`wizard-node-${i}-${field === 'memoryMiB' ? 'memory' : field === 'diskGiB' ? 'disk' : field}`}
        type="number"
        step={step}
        value={Number.isNaN(node[field]) ? '' : node[field]}
        aria-invalid={invalid(at(field))}
        onChange={(e) => edit(() => w.setNode(i, { [field]: num(e.target.value) }))}
      />
      <Problems issues={issues} at={at(field)} />
    </div>
  )
  return (
    <div className="node-card" id={`wizard-node-${i}`}>
      <div className="node-head">
        <div className="field-row small">
          <label htmlFor={`wizard-node-${i}-name`}>{t('wizard.node.name')}</label>
          <input
            id={`wizard-node-${i}-name`}
            value={node.name}
            aria-invalid={invalid(at('name'))}
            onChange={(e) => edit(() => w.setNode(i, { name: e.target.value }))}
          />
          <Problems issues={issues} at={at('name')} />
        </div>
        <div className="field-row small">
          <label htmlFor={`wizard-node-${i}-role`}>{t('wizard.node.role')}</label>
          <select
            id={`wizard-node-${i}-role`}
            value={node.role}
            aria-invalid={invalid(at('role'))}
            onChange={(e) => edit(() => w.setNode(i, { role: e.target.value as Role }))}
          >
            {/* The roles the installer serves (and the node's own, when a YAML file gave another). */}
            {[...new Set([...SUPPORTED_ROLES, node.role])].map((r) => (
              <option key={r} value={r}>
                {t(`wizard.role.${r}`)}
              </option>
            ))}
          </select>
          <Problems issues={issues} at={at('role')} />
        </div>
        <button
          id={`wizard-node-${i}-remove`}
          className="small"
          onClick={() => edit(() => w.removeNode(i))}
          disabled={draft.nodes.length <= 1}
        >
          {t('wizard.node.remove')}
        </button>
      </div>
      <div className="node-fields">
        {numberField('vcpus', t('wizard.node.vcpus'))}
        {numberField('memoryMiB', t('wizard.node.memory', { min: MIN_MEMORY_MIB[node.role] ?? 512 }), 512)}
        {numberField('diskGiB', t('wizard.node.disk'))}
      </div>
      <div className="node-nics">
        {(node.nics ?? []).map((nic, j) => (
          <div className="field-row small" key={j}>
            <label htmlFor={`wizard-node-${i}-nic-${j}-ip`}>
              {t('wizard.node.address', { network: nic.network })}
            </label>
            <input
              id={`wizard-node-${i}-nic-${j}-ip`}
              value={nic.ip}
              aria-invalid={invalid(`${at('nics')}-${j}-ip`)}
              onChange={(e) => edit(() => w.setNic(i, j, { ip: e.target.value }))}
            />
            <Problems issues={issues} at={`${at('nics')}-${j}-ip`} />
            <Problems issues={issues} at={`${at('nics')}-${j}-network`} />
          </div>
        ))}
        <Problems issues={issues} at={at('nics')} />
      </div>
    </div>
  )
}

/** What the engine will make for this definition, named the way the engine names it. */
function Plan({ draft, valid, imagesDir, t }: { draft: Draft; valid: boolean; imagesDir: string; t: T }) {
  const preset = PRESETS.find((p) => p.id === draft.preset)
  const dir = imagesDir || t('wizard.plan.imagesDefault')
  const bases = [...new Set(draft.nodes.map((n) => n.diskGiB))]
  const total = draft.nodes.reduce(
    (s, n) => ({ vcpus: s.vcpus + n.vcpus, mem: s.mem + n.memoryMiB, disk: s.disk + n.diskGiB }),
    { vcpus: 0, mem: 0, disk: 0 },
  )
  return (
    <div id="wizard-plan" className="panel plan" data-valid={valid}>
      <h2>{t('wizard.plan.title')}</h2>
      {!valid ? (
        <p className="muted">{t('wizard.plan.invalid')}</p>
      ) : (
        <>
          <h3>{t('wizard.plan.networks')}</h3>
          <ul>
            {draft.networks.map((n) => (
              <li key={n.name} id={`wizard-plan-network-${n.name}`}>
                <code>{n.name}</code>{' '}
                {n.mode === 'nat'
                  ? t('wizard.plan.natNetwork', { subnet: n.subnet })
                  : t('wizard.plan.newNetwork', { subnet: n.subnet })}
              </li>
            ))}
          </ul>
          <h3>{t('wizard.plan.vms')}</h3>
          <ul>
            {draft.nodes.map((n) => {
              const domain = nodeDomainName(draft.name, n.name)
              return (
                <li key={n.name} id={`wizard-plan-domain-${domain}`}>
                  <code>{domain}</code>{' '}
                  {t('wizard.plan.vm', {
                    role: t(`wizard.role.${n.role}`),
                    vcpus: n.vcpus,
                    memory: n.memoryMiB,
                    addresses: n.nics.map((c) => `${c.ip} (${c.network})`).join(', '),
                  })}
                  <div className="muted" id={`wizard-plan-disk-${n.name}`}>
                    {t('wizard.plan.disk', { size: n.diskGiB })}{' '}
                    <code>{nodeDiskFile(dir, draft.name, n.name)}</code>
                  </div>
                </li>
              )
            })}
          </ul>
          <h3>{t('wizard.plan.shared')}</h3>
          <ul>
            {preset &&
              bases.map((size) => (
                <li key={size}>
                  {t('wizard.plan.base', { template: preset.template })}{' '}
                  <code>{`${dir}/${BASE_IMAGE_DIR}/${baseImageName(preset.template, size)}`}</code>
                </li>
              ))}
            <li>{t('wizard.plan.checkpoint')}</li>
          </ul>
          <p id="wizard-plan-total" className="muted">
            {t('wizard.plan.total', { vcpus: total.vcpus, memory: total.mem, disk: total.disk })}
          </p>
        </>
      )}
    </div>
  )
}

function YamlPanel({ t, onChange }: { t: T; onChange: () => void }) {
  const w = useWizard()
  const [text, setText] = useState('')
  const [error, setError] = useState('')
  const file = useRef<HTMLInputElement>(null)
  const load = (source: string) => {
    const problem = w.fromYaml(source)
    setError(problem ? t('wizard.yaml.notYaml', { problem }) : '')
    if (!problem) onChange()
  }
  const download = () => {
    const blob = new Blob([w.toYaml()], { type: 'application/yaml' })
    const a = document.createElement('a')
    a.href = URL.createObjectURL(blob)
    a.download = `${w.draft.name || 'lab'}.yaml`
    a.click()
    URL.revokeObjectURL(a.href)
  }
  return (
    <details className="panel yaml" id="wizard-yaml-panel">
      <summary>{t('wizard.yaml.title')}</summary>
      <p className="muted">{t('wizard.yaml.intro')}</p>
      <textarea
        id="wizard-yaml"
        rows={12}
        spellCheck={false}
        value={text}
        aria-label={t('wizard.yaml.title')}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="form-actions">
        <button id="wizard-yaml-export" onClick={() => setText(w.toYaml())}>
          {t('wizard.yaml.export')}
        </button>
        <button id="wizard-yaml-import" onClick={() => load(text)} disabled={!text.trim()}>
          {t('wizard.yaml.import')}
        </button>
        <button id="wizard-yaml-save" onClick={download}>
          {t('wizard.yaml.save')}
        </button>
        <button id="wizard-yaml-open" onClick={() => file.current?.click()}>
          {t('wizard.yaml.open')}
        </button>
        <input
          ref={file}
          type="file"
          accept=".yaml,.yml,application/yaml,text/yaml"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0]
            // Too big is refused before the file is read (the CLI's limit).
            if (f && f.size > MAX_LAB_FILE_BYTES)
              setError(t('wizard.yaml.tooBig', { size: f.size, limit: MAX_LAB_FILE_TEXT }))
            else if (f)
              void f.text().then((content) => {
                setText(content)
                load(content)
              })
            e.target.value = ''
          }}
        />
      </div>
      {error && (
        <p id="wizard-yaml-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </details>
  )
}
