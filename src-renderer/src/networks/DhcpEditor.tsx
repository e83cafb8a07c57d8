// A network's DHCP range: the range libvirt hands addresses from, set or cleared. Both ends are checked
// with the engine's schema and against the network's subnet before anything is sent.
import { useState } from 'react'
import type { ApiError } from '../../../src-shared/errors'
import { issuesOf } from '../../../src-shared/errors'
import { NetworkDhcpInput, type NetworkInfo } from '../../../src-shared/libvirt'
import { FieldError } from '../components/FieldError'
import type { Translate } from '../i18n'
import { useStore } from '../store'
import { clientErrors, EngineError, fieldErrors, subnetIssue, type Errors } from './errors'

export function DhcpEditor({ net, t }: { net: NetworkInfo; t: Translate }) {
  const networkCall = useStore((s) => s.networkCall)
  const current = net.dhcpRanges[0]
  const [start, setStart] = useState(current?.start ?? '')
  const [end, setEnd] = useState(current?.end ?? '')
  const [errors, setErrors] = useState<Errors>({})
  const [engineError, setEngineError] = useState<ApiError | null>(null)
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)

  const submit = async (clear: boolean) => {
    setStatus('')
    setEngineError(null)
    const input = { name: net.name, range: clear ? null : { start: start.trim(), end: end.trim() } }
    const parsed = NetworkDhcpInput.safeParse(input)
    const found = parsed.success ? {} : clientErrors(issuesOf(parsed.error), 'range.', t)
    if (!clear && parsed.success) {
      for (const [field, ip] of [
        ['start', input.range!.start],
        ['end', input.range!.end],
      ] as const) {
        const issue = subnetIssue(net, ip, t)
        if (issue) found[field] = issue
      }
    }
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    const error = await networkCall('network.setDhcpRange', input)
    setBusy(false)
    if (error) {
      setErrors(fieldErrors(error.issues ?? [], 'range.'))
      setEngineError(error)
    } else setStatus(clear ? t('networks.dhcp.cleared') : t('networks.saved'))
  }

  return (
    <form
      className="card form-inline"
      aria-labelledby="network-dhcp-heading"
      onSubmit={(e) => {
        e.preventDefault()
        void submit(false)
      }}
    >
      <h3 id="network-dhcp-heading">{t('networks.dhcp.title')}</h3>
      <p className="muted">
        {t('networks.dhcp.current')}{' '}
        <code id="network-dhcp-current">
          {net.dhcpRanges.map((r) => `${r.start} – ${r.end}`).join(', ') || t('networks.dhcp.none')}
        </code>
      </p>
      <div className="row">
        <div className="field">
          <label htmlFor="network-dhcp-start">{t('networks.dhcp.start')}</label>
          <input
            id="network-dhcp-start"
            value={start}
            spellCheck={false}
            placeholder="192.168.122.2"
            aria-invalid={Boolean(errors['start'])}
            aria-describedby="network-dhcp-start-error"
            onChange={(e) => setStart(e.target.value)}
          />
          <FieldError id="network-dhcp-start-error" text={errors['start']} />
        </div>
        <div className="field">
          <label htmlFor="network-dhcp-end">{t('networks.dhcp.end')}</label>
          <input
            id="network-dhcp-end"
            value={end}
            spellCheck={false}
            placeholder="192.168.122.254"
            aria-invalid={Boolean(errors['end'])}
            aria-describedby="network-dhcp-end-error"
            onChange={(e) => setEnd(e.target.value)}
          />
          <FieldError id="network-dhcp-end-error" text={errors['end']} />
        </div>
      </div>
      <FieldError id="network-dhcp-error" text={errors['range'] ?? errors['name']} />
      <EngineError id="network-dhcp-engine-error" error={engineError} t={t} />
      <div className="form-actions">
        <button id="network-dhcp-save" className="primary" type="submit" disabled={busy}>
          {t('networks.dhcp.save')}
        </button>
        <button
          id="network-dhcp-clear"
          type="button"
          disabled={busy || net.dhcpRanges.length === 0}
          onClick={() => void submit(true)}
        >
          {t('networks.dhcp.clear')}
        </button>
        <span id="network-dhcp-status" role="status">
          {status}
        </span>
      </div>
    </form>
  )
}
