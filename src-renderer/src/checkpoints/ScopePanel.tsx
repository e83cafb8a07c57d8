// Which VMs the Checkpoints page works on: a lab's, or VMs picked one by one (any VM libvirt has).
import { StateBadge } from '../components/badges'
import { useT } from '../i18n'
import { useStore } from '../store'

/** The scope value of "VMs picked one by one" (no lab can be named so: names have no parentheses). */
export const CUSTOM = '(custom)'

export function ScopePanel({
  scope,
  onScope,
  picked,
  onPicked,
  missing,
}: {
  scope: string
  onScope: (scope: string) => void
  picked: string[]
  onPicked: (picked: string[]) => void
  /** VMs of the scope that libvirt does not have. */
  missing: string[]
}) {
  const t = useT()
  const labs = useStore((s) => s.labs)
  const domains = useStore((s) => s.libvirt.domains)
  const list = Object.values(domains).sort((a, b) => a.name.localeCompare(b.name))
  return (
    <div className="panel">
      <div className="field-row">
        <label htmlFor="checkpoints-scope">{t('cp.scope')}</label>
        <select id="checkpoints-scope" value={scope} onChange={(e) => onScope(e.target.value)}>
          {labs.map((l) => (
            <option key={l.name} value={l.name}>
              {t('cp.scopeLab', { lab: l.name })}
            </option>
          ))}
          <option value={CUSTOM}>{t('cp.scopeCustom')}</option>
        </select>
      </div>
      {scope === CUSTOM && (
        <fieldset className="domain-picks">
          <legend>{t('cp.pickVms')}</legend>
          {list.map((d) => (
            <label key={d.name} className="checkbox">
              <input
                type="checkbox"
                id={`checkpoints-domain-${d.name}`}
                checked={picked.includes(d.name)}
                onChange={(e) =>
                  onPicked(e.target.checked ? [...picked, d.name] : picked.filter((x) => x !== d.name))
                }
              />
              {d.name} <StateBadge id={`checkpoints-domain-${d.name}-state`} state={d.state} />
            </label>
          ))}
        </fieldset>
      )}
      {missing.length > 0 && <p className="hint warn-text">{t('cp.missing', { vms: missing.join(', ') })}</p>}
    </div>
  )
}
