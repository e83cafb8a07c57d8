// Networks: every libvirt network of the connection, and for the one selected its DHCP range, static hosts
// (fixed addresses by MAC), current leases, start/stop and autostart. Inputs are checked with the engine's
// own schemas before anything is sent; the engine's refusals are shown on the field they name. The list
// is here; the selected network is NetworkEditor, one file per panel.
import { ActivePill } from '../components/badges'
import { useT } from '../i18n'
import { PageHead } from '../components/PageHead'
import { useStore } from '../store'
import { NetworkEditor } from './NetworkEditor'
import { useReach } from '../state/reach'

export function NetworksPage() {
  const t = useT()
  const networks = useStore((s) => s.libvirt.networks)
  const loaded = useStore((s) => s.libvirt.loaded)
  const selection = useStore((s) => s.selection)
  const select = useStore((s) => s.select)
  // Out of reach, the list is unknown (not empty), and every action here needs libvirt: none is offered.
  const unreachable = useReach().state === 'unreachable'
  const list = Object.values(networks).sort((a, b) => a.name.localeCompare(b.name))
  const chosen =
    (selection?.kind === 'network' ? networks[selection.name] : undefined) ?? list[0] ?? undefined
  return (
    <section aria-labelledby="networks-heading">
      <PageHead
        id="networks-heading"
        title={t('networks.title')}
        subtitle={<p>{t('networks.subtitle')}</p>}
      />
      {unreachable && (
        <p id="networks-unknown" className="muted">
          {t('reach.networksUnknown')}
        </p>
      )}
      {!loaded && !unreachable && <p className="muted">{t('topology.loading')}</p>}
      {loaded && !unreachable && list.length === 0 && (
        <p id="networks-empty" className="muted">
          {t('networks.empty')}
        </p>
      )}
      <div className="networks-layout" style={unreachable ? { display: 'none' } : undefined}>
        <ul className="network-list" aria-label={t('networks.listLabel')}>
          {list.map((n) => (
            <li key={n.name}>
              <button
                id={`network-row-${n.name}`}
                className={chosen?.name === n.name ? 'network-item active' : 'network-item'}
                aria-current={chosen?.name === n.name ? 'true' : undefined}
                onClick={() => select({ kind: 'network', name: n.name })}
              >
                <span className="topo-title">{n.name}</span>
                {n.problem ? (
                  <span className="problem-pill">⚠ {t('obj.problem')}</span>
                ) : (
                  <span className="muted mono">{n.subnet ?? '—'}</span>
                )}
                <ActivePill active={n.active} />
              </button>
            </li>
          ))}
        </ul>
        {chosen && <NetworkEditor key={chosen.name} net={chosen} t={t} />}
      </div>
    </section>
  )
}
