// One node of the lab in the wizard: name, role, vCPUs, memory, disk and each NIC's address, every field
// with its problems (and a free value to take, where the host has the one typed) under it. Each field is
// label, control, notes on the rows of its card's grid, so a message under one field moves no other.
import type { ReactNode } from 'react'
import { MIN_MEMORY_MIB, SUPPORTED_ROLES, nodeDomainName, type Role } from '../../../src-shared/lab'
import type { Translate } from '../i18n'
import { useWizard, type Draft, type FieldIssues } from '../state/wizard'
import { Problems, Proposal } from './problems'

const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value))
// An empty data disk field means no data disk (the key leaves the definition), not a bad number.
const dataDisk = (value: string) => (value.trim() === '' ? undefined : Number(value))

export function NodeEditor({
  index: i,
  node,
  draft,
  issues,
  proposals,
  edit,
  t,
}: {
  index: number
  node: Draft['nodes'][number]
  draft: Draft
  issues: FieldIssues
  proposals: Record<string, string>
  edit: (fn: () => void) => void
  t: Translate
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
      <Notes>
        <Problems issues={issues} at={at(field)} />
      </Notes>
    </div>
  )
  // A lab needs its controller: the only one is not offered for removal (a second one, an error, is).
  const onlyController =
    node.role === 'controller' && draft.nodes.filter((n) => n.role === 'controller').length === 1
  return (
    <div className="node-card" id={`wizard-node-${i}`}>
      <div className="node-title">
        <code id={`wizard-node-${i}-vm`}>{nodeDomainName(draft.name, node.name)}</code>
        {!onlyController && (
          <button
            id={`wizard-node-${i}-remove`}
            className="small"
            onClick={() => edit(() => w.removeNode(i))}
            disabled={draft.nodes.length <= 1}
          >
            {t('wizard.node.remove')}
          </button>
        )}
      </div>
      <div className="node-fields">
        <div className="field-row small">
          <label htmlFor={`wizard-node-${i}-name`}>{t('wizard.node.name')}</label>
          <input
            id={`wizard-node-${i}-name`}
            value={node.name}
            aria-invalid={invalid(at('name'))}
            onChange={(e) => edit(() => w.setNode(i, { name: e.target.value }))}
          />
          <Notes>
            <Problems issues={issues} at={at('name')} />
            <Proposal
              proposals={proposals}
              at={at('name')}
              take={(v) => edit(() => w.setNode(i, { name: v }))}
              t={t}
            />
          </Notes>
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
          <Notes>
            <Problems issues={issues} at={at('role')} />
          </Notes>
        </div>
        {numberField('vcpus', t('wizard.node.vcpus'))}
        {numberField('memoryMiB', t('wizard.node.memory', { min: MIN_MEMORY_MIB[node.role] ?? 512 }), 512)}
        {numberField('diskGiB', t('wizard.node.disk'))}
        <div className="field-row small">
          <label htmlFor={`wizard-node-${i}-data-disk`}>{t('wizard.node.dataDisk')}</label>
          <input
            id={`wizard-node-${i}-data-disk`}
            type="number"
            placeholder={t('wizard.node.dataDiskNone')}
            value={node.dataDiskGiB === undefined || Number.isNaN(node.dataDiskGiB) ? '' : node.dataDiskGiB}
            aria-invalid={invalid(at('dataDiskGiB'))}
            onChange={(e) => edit(() => w.setNode(i, { dataDiskGiB: dataDisk(e.target.value) }))}
          />
          <Notes>
            <Problems issues={issues} at={at('dataDiskGiB')} />
          </Notes>
        </div>
      </div>
      <div className="node-fields node-nics">
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
            <Notes>
              <Problems issues={issues} at={`${at('nics')}-${j}-ip`} />
              <Problems issues={issues} at={`${at('nics')}-${j}-network`} />
              <Proposal
                proposals={proposals}
                at={`${at('nics')}-${j}-ip`}
                take={(v) => edit(() => w.setNic(i, j, { ip: v }))}
                t={t}
              />
            </Notes>
          </div>
        ))}
      </div>
      <Problems issues={issues} at={at('nics')} />
    </div>
  )
}

/** The third row of a field: its problems and proposal (empty when there are none, the row then has no height). */
function Notes({ children }: { children: ReactNode }) {
  return <div className="field-notes">{children}</div>
}
