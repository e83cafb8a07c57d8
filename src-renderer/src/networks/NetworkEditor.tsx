// The selected network: its mode, addresses and bridge, start/stop, autostart and raw XML, then one panel
// each for the DHCP range, the static hosts and the leases (none for a network libvirt's XML has a
// problem with).
import { useState } from 'react'
import type { ApiError } from '../../../src-shared/errors'
import type { NetworkInfo } from '../../../src-shared/libvirt'
import { ActivePill } from '../components/badges'
import { ProblemNote, RawXmlDialog } from '../components/objects'
import type { Translate } from '../i18n'
import { useStore } from '../store'
import { DhcpEditor } from './DhcpEditor'
import { EngineError } from './errors'
import { Leases } from './Leases'
import { StaticHosts } from './StaticHosts'

export function NetworkEditor({ net, t }: { net: NetworkInfo; t: Translate }) {
  const networkCall = useStore((s) => s.networkCall)
  const call = useStore((s) => s.call)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const [rawXml, setRawXml] = useState(false)
  const act = async (fn: () => Promise<ApiError | null>) => {
    setBusy(true)
    setError(null)
    setError(await fn())
    setBusy(false)
  }
  return (
    <div id="network-editor" className="network-editor" data-name={net.name}>
      <header className="card-head">
        <div>
          <h2 id="network-editor-title">{net.name}</h2>
          <p className="muted">
            {t(
              net.mode === 'nat' || net.mode === 'isolated'
                ? `network.mode.${net.mode}`
                : 'network.mode.other',
            )}{' '}
            · <span className="mono">{net.ipv4.map((b) => b.subnet ?? b.address).join(', ') || '—'}</span> ·{' '}
            {t('details.gateway')} <span className="mono">{net.gateway ?? '—'}</span> · {t('details.bridge')}{' '}
            <span className="mono">{net.bridge ?? '—'}</span>
          </p>
        </div>
        <div className="details-actions">
          <ActivePill id="network-state" active={net.active} />
          {net.active ? (
            <button
              id="network-stop"
              disabled={busy}
              onClick={() => void act(() => networkCall('network.stop', { name: net.name }))}
            >
              {t('networks.stop')}
            </button>
          ) : (
            <button
              id="network-start"
              className="primary"
              disabled={busy}
              onClick={() => void act(() => networkCall('network.start', { name: net.name }))}
            >
              {t('networks.start')}
            </button>
          )}
          <label className="checkbox">
            <input
              id="network-autostart"
              type="checkbox"
              checked={net.autostart}
              disabled={busy || !net.persistent}
              onChange={(e) =>
                void act(() =>
                  networkCall('network.setAutostart', { name: net.name, enabled: e.target.checked }),
                )
              }
            />{' '}
            {t('networks.autostart')}
          </label>
          <button id="network-raw-xml" onClick={() => setRawXml(true)}>
            {t('obj.rawXml')}
          </button>
        </div>
      </header>
      {net.problem && (
        <ProblemNote id="network-problem" problem={net.problem} t={t} onRawXml={() => setRawXml(true)} />
      )}
      {rawXml && (
        <RawXmlDialog
          t={t}
          title={t('obj.rawXmlTitle', { name: net.name })}
          load={() => call('network.xml', { uuid: net.uuid })}
          onClose={() => setRawXml(false)}
        />
      )}
      <EngineError id="network-error" error={error} t={t} />
      {!net.problem && (
        <>
          {/* A fresh form whenever the engine's range changes, so the fields start from it. */}
          <DhcpEditor key={JSON.stringify(net.dhcpRanges)} net={net} t={t} />
          <StaticHosts net={net} t={t} />
          <Leases net={net} t={t} />
        </>
      )}
    </div>
  )
}
