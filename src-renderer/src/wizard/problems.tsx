// Where the wizard shows what is wrong: a field's problems next to it (with a free value to take where
// the host has the one typed), problems of fields only YAML sets in one list, and warnings (what works but
// is likely not meant).
import type { Translate } from '../i18n'
import type { FieldIssues } from '../state/wizard'

export function Problems({ issues, at }: { issues: FieldIssues; at: string }) {
  const list = issues[at]
  if (!list?.length) return null
  return (
    <p id={`wizard-error-${at}`} className="field-error" role="alert">
      {list.join('; ')}
    </p>
  )
}

/** A free value for a field the host refuses (a name, subnet or address nobody uses), taken with one click. */
export function Proposal({
  proposals,
  at,
  take,
  t,
}: {
  proposals: Record<string, string>
  at: string
  take: (value: string) => void
  t: Translate
}) {
  const value = proposals[at]
  if (!value) return null
  return (
    <button id={`wizard-take-${at}`} className="small take" data-value={value} onClick={() => take(value)}>
      {t('wizard.host.take', { value })}
    </button>
  )
}

/** What works but is likely not meant: listed, and it does not stop create. */
export function Warnings({ warnings, t }: { warnings: FieldIssues; t: Translate }) {
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

/** A network's fields besides its subnet: shown with the network (only YAML sets them, the rules are the engine's). */
export const NETWORK_FIELDS = ['name', 'mode', 'gateway', 'dhcp', 'dhcp-start', 'dhcp-end']

/** Fields the form shows a problem next to; anything else (a field only YAML sets) is listed here. */
const SHOWN =
  /^(name|preset|release|domain|image|image-(url|sha256|checksumUrl)|networks|nodes|lab|networks-\d+-(subnet|name|mode|gateway|dhcp|dhcp-start|dhcp-end)|nodes-\d+-(name|role|vcpus|memoryMiB|diskGiB|dataDiskGiB|nics)|nodes-\d+-nics-\d+-(ip|network))$/

export function OtherProblems({ issues }: { issues: FieldIssues }) {
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
