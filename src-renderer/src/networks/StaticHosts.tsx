// A network's static hosts (a fixed address for a MAC): the list with a remove button each, and a form to
// add one, checked with the engine's schema and against the network's subnet before anything is sent.
import { useState } from 'react'
import type { ApiError } from '../../../src-shared/errors'
import { issuesOf } from '../../../src-shared/errors'
import { NetworkHostInput, type NetworkInfo } from '../../../src-shared/libvirt'
import { FieldError } from '../components/FieldError'
import type { Translate } from '../i18n'
import { useStore } from '../store'
import { clientErrors, EngineError, fieldErrors, subnetIssue, type Errors } from './errors'

const macId = (mac: string) => mac.replace(/:/g, '-')

export function StaticHosts({ net, t }: { net: NetworkInfo; t: Translate }) {
  const networkCall = useStore((s) => s.networkCall)
  const [mac, setMac] = useState('')
  const [ip, setIp] = useState('')
  const [name, setName] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [engineError, setEngineError] = useState<ApiError | null>(null)
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)

  const add = async () => {
    setStatus('')
    setEngineError(null)
    const input = {
      name: net.name,
      host: { mac: mac.trim().toLowerCase(), ip: ip.trim(), name: name.trim() },
    }
    const parsed = NetworkHostInput.safeParse(input)
    const found = parsed.success ? {} : clientErrors(issuesOf(parsed.error), 'host.', t)
    if (parsed.success) {
      const issue = subnetIssue(net, input.host.ip, t)
      if (issue) found['ip'] = issue
    }
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    const error = await networkCall('network.addStaticHost', input)
    setBusy(false)
    if (error) {
      setErrors(fieldErrors(error.issues ?? [], 'host.'))
      setEngineError(error)
    } else {
      setStatus(t('networks.hosts.added', { name: input.host.name }))
      setMac('')
      setIp('')
      setName('')
    }
  }
  const remove = async (hostMac: string) => {
    setStatus('')
    setEngineError(null)
    setBusy(true)
    const error = await networkCall('network.removeStaticHost', { name: net.name, mac: hostMac })
    setBusy(false)
    if (error) setEngineError(error)
    else setStatus(t('networks.hosts.removed', { mac: hostMac }))
  }

  return (
    <section className="card" aria-labelledby="network-hosts-heading">
      <h3 id="network-hosts-heading">{t('networks.hosts.title')}</h3>
      <p className="muted">{t('networks.hosts.help')}</p>
      {net.staticHosts.length === 0 ? (
        <p id="network-hosts-empty" className="muted">
          {t('networks.hosts.none')}
        </p>
      ) : (
        <table id="network-hosts" className="table">
          <thead>
            <tr>
              <th>{t('networks.hosts.name')}</th>
              <th>{t('networks.hosts.mac')}</th>
              <th>{t('networks.hosts.ip')}</th>
              <th>
                <span className="sr-only">{t('networks.hosts.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {net.staticHosts.map((h) => (
              <tr key={h.mac} id={`static-host-${macId(h.mac)}`}>
                <td>{h.name ?? '—'}</td>
                <td className="mono">{h.mac}</td>
                <td className="mono">{h.ip}</td>
                <td>
                  <button
                    id={`static-host-${macId(h.mac)}-remove`}
                    className="small"
                    disabled={busy}
                    aria-label={t('networks.hosts.removeLabel', { name: h.name ?? h.mac })}
                    onClick={() => void remove(h.mac)}
                  >
                    {t('networks.hosts.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="form-inline"
        aria-label={t('networks.hosts.addTitle')}
        onSubmit={(e) => {
          e.preventDefault()
          void add()
        }}
      >
        <div className="row">
          <div className="field">
            <label htmlFor="network-host-name">{t('networks.hosts.name')}</label>
            <input
              id="network-host-name"
              value={name}
              spellCheck={false}
              placeholder="compute1"
              aria-invalid={Boolean(errors['name'])}
              aria-describedby="network-host-name-error"
              onChange={(e) => setName(e.target.value)}
            />
            <FieldError id="network-host-name-error" text={errors['name']} />
          </div>
          <div className="field">
            <label htmlFor="network-host-mac">{t('networks.hosts.mac')}</label>
            <input
              id="network-host-mac"
              value={mac}
              spellCheck={false}
              placeholder="52:54:00:12:34:56"
              aria-invalid={Boolean(errors['mac'])}
              aria-describedby="network-host-mac-error"
              onChange={(e) => setMac(e.target.value)}
            />
            <FieldError id="network-host-mac-error" text={errors['mac']} />
          </div>
          <div className="field">
            <label htmlFor="network-host-ip">{t('networks.hosts.ip')}</label>
            <input
              id="network-host-ip"
              value={ip}
              spellCheck={false}
              placeholder="192.168.122.20"
              aria-invalid={Boolean(errors['ip'])}
              aria-describedby="network-host-ip-error"
              onChange={(e) => setIp(e.target.value)}
            />
            <FieldError id="network-host-ip-error" text={errors['ip']} />
          </div>
        </div>
        <EngineError id="network-hosts-engine-error" error={engineError} t={t} />
        <div className="form-actions">
          <button id="network-host-add" className="primary" type="submit" disabled={busy}>
            {t('networks.hosts.add')}
          </button>
          <span id="network-hosts-status" role="status">
            {status}
          </span>
        </div>
      </form>
    </section>
  )
}
