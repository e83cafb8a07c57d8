// One node of the lab in the wizard: name, role, vCPUs, memory, disk and each NIC's address, every field
// with its problems next to it.
import { MIN_MEMORY_MIB, SUPPORTED_ROLES, type Role } from '../../../src-shared/lab'
import type { Translate } from '../i18n'
import { useWizard, type Draft, type FieldIssues } from '../state/wizard'
import { Problems } from './problems'

const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value))
// An empty data disk field means no data disk (the key leaves the definition), not a bad number.
const dataDisk = (value: string) => (value.trim() === '' ? undefined : Number(value))

export function NodeEditor({
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
          <Problems issues={issues} at={at('dataDiskGiB')} />
        </div>
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
