// A network's current DHCP leases, read when the network is shown, started or stopped, and on Refresh
// (libvirt sends no event for a new lease); a connection whose driver has no leases says so.
import { useEffect, useState } from 'react'
import type { Lease, NetworkInfo } from '../../../src-shared/libvirt'
import type { Translate } from '../i18n'
import { useStore } from '../store'

export function Leases({ net, t }: { net: NetworkInfo; t: Translate }) {
  const call = useStore((s) => s.call)
  const [state, setState] = useState<
    | { kind: 'loading' }
    | { kind: 'ok'; supported: boolean; leases: Lease[] }
    | { kind: 'error'; message: string }
  >({ kind: 'loading' })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    call('network.leases', { name: net.name }).then(
      (r) => live && setState({ kind: 'ok', ...r }),
      (e: Error) => live && setState({ kind: 'error', message: e.message }),
    )
    return () => {
      live = false
    }
  }, [call, net.name, net.active, tick])
  return (
    <section className="card" aria-labelledby="network-leases-heading">
      <div className="card-head">
        <h3 id="network-leases-heading">{t('networks.leases.title')}</h3>
        <button id="network-leases-refresh" className="small" onClick={() => setTick((n) => n + 1)}>
          {t('networks.leases.refresh')}
        </button>
      </div>
      <div
        id="network-leases"
        data-state={state.kind === 'ok' ? (state.supported ? 'ok' : 'unsupported') : state.kind}
      >
        {state.kind === 'loading' && <p className="muted">{t('networks.leases.loading')}</p>}
        {state.kind === 'error' && (
          <p className="banner fail" role="alert">
            {state.message}
          </p>
        )}
        {state.kind === 'ok' && !state.supported && (
          <p id="network-leases-unsupported" className="muted">
            {t('networks.leases.unsupported')}
          </p>
        )}
        {state.kind === 'ok' && state.supported && state.leases.length === 0 && (
          <p className="muted">{t('networks.leases.none')}</p>
        )}
        {state.kind === 'ok' && state.supported && state.leases.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th>{t('networks.hosts.name')}</th>
                <th>{t('networks.hosts.mac')}</th>
                <th>{t('networks.hosts.ip')}</th>
                <th>{t('networks.leases.expires')}</th>
              </tr>
            </thead>
            <tbody>
              {state.leases.map((l) => (
                <tr key={l.mac + l.ip}>
                  <td>{l.hostname ?? '—'}</td>
                  <td className="mono">{l.mac}</td>
                  <td className="mono">{l.ip}</td>
                  <td>{l.expires ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  )
}
