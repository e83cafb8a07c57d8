// The topology: this host, its libvirt networks and every VM with its NICs and state, grouped by lab,
// laid out automatically (ELK in a worker) and drawn with React Flow. Live from libvirt events; a new
// layout only when the shape changes (a VM or network added or removed, a NIC moved), never on state.
// Every box is a keyboard button; a plain list view shows the same for keyboards and screen readers.
import { useCallback, useMemo, useState } from 'react'
import type { DomainDeleteResult } from '../../../src-shared/libvirt'
import { usePlural, useT } from '../i18n'
import { ConnectionChip, PageHead } from '../components/PageHead'
import { useStore } from '../store'
import { DeletedBanner, type Deleted } from './details/DeletedBanner'
import { DetailsPanel } from './details/DetailsPanel'
import { Diagram } from './Diagram'
import { buildShape } from './graph'
import { warmLayout } from './layout'
import { ListView } from './ListView'
import { useLayoutPump } from './useLayoutPump'
import { FailureLine } from '../components/FailureLine'
import { useReach } from '../state/reach'

// The layout worker starts loading with the app, while the engine's data is still on its way.
if (typeof window !== 'undefined') warmLayout()

export function TopologyPage() {
  const t = useT()
  const n = usePlural()
  const domains = useStore((s) => s.libvirt.domains)
  const networks = useStore((s) => s.libvirt.networks)
  const labs = useStore((s) => s.labs)
  const loaded = useStore((s) => s.libvirt.loaded)
  const loadError = useStore((s) => s.libvirt.error)
  const connection = useStore((s) => s.libvirt.connection)
  const lastEventAt = useStore((s) => s.libvirt.lastEventAt)
  // Out of reach, the last picture may be false and its counts are not zero but unknown (the shell says why):
  // it is hidden, not dropped, and shows again the moment libvirt answers.
  const unreachable = useReach().state === 'unreachable'
  const [view, setView] = useState<'graph' | 'list'>('graph')
  const [deleted, setDeleted] = useState<Deleted | null>(null)
  const onDeleted = useCallback(
    (name: string, result: DomainDeleteResult) => setDeleted({ name, result }),
    [],
  )
  const shape = useMemo(() => buildShape(domains, networks, labs), [domains, networks, labs])
  const { laid, busy, error } = useLayoutPump(shape)
  const counts = { domains: Object.keys(domains).length, networks: Object.keys(networks).length }
  const running = Object.values(domains).filter((d) => d.state === 'running').length

  return (
    <section
      id="topology-page"
      aria-labelledby="topology-heading"
      className="topology-page"
      data-last-event={Math.round(lastEventAt)}
    >
      <PageHead
        id="topology-heading"
        title={t('topology.title')}
        subtitle={
          <p>
            <span id="topology-counts" data-known={String(!unreachable)}>
              {unreachable
                ? t('reach.countsUnknown')
                : t('topology.summary', {
                    vms: n('topology.count.vms', counts.domains),
                    running: n('topology.count.running', running),
                    networks: n('topology.count.networks', counts.networks),
                  })}
            </span>{' '}
            {connection && (
              <span id="topology-connection" data-state={connection.state}>
                · <ConnectionChip id="topology-uri" uri={connection.uri} /> ·{' '}
                {t(`topology.connection.${connection.state}`)}
              </span>
            )}
          </p>
        }
        actions={
          <div id="topology-view" className="segmented" role="group" aria-label={t('topology.view')}>
            <button
              id="topology-view-graph"
              aria-pressed={view === 'graph'}
              className={view === 'graph' ? 'active' : ''}
              onClick={() => setView('graph')}
            >
              {t('topology.viewGraph')}
            </button>
            <button
              id="topology-view-list"
              aria-pressed={view === 'list'}
              className={view === 'list' ? 'active' : ''}
              onClick={() => setView('list')}
            >
              {t('topology.viewList')}
            </button>
          </div>
        }
      />
      {deleted && <DeletedBanner deleted={deleted} onClose={() => setDeleted(null)} />}
      {((loadError && !unreachable) || error) && (
        <div id="topology-error" className="banner fail" role="alert">
          {loadError && !unreachable ? <FailureLine error={loadError} /> : error}
        </div>
      )}
      {unreachable && (
        <p id="topology-unknown" className="muted">
          {t('reach.topologyUnknown')}
        </p>
      )}
      <div className="topology-body" style={unreachable ? { display: 'none' } : undefined}>
        {view === 'graph' ? (
          laid ? (
            <Diagram laid={laid} />
          ) : (
            <div className="topology-graph placeholder" data-layout={busy || !loaded ? 'pending' : 'none'}>
              <p className="muted">{loaded ? t('topology.layingOut') : t('topology.loading')}</p>
            </div>
          )
        ) : (
          <ListView />
        )}
        <DetailsPanel onDeleted={onDeleted} />
      </div>
      <p className="muted small-print">
        {t('topology.legend')} <span className="sr-only">{t('topology.listHint')}</span>
      </p>
    </section>
  )
}
