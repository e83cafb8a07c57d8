// Checkpoints: for a lab's VMs (or VMs the user picks), lab checkpoints taken across all of them at once and
// each VM's own snapshot tree (parents, the current one marked). Take, restore (after a confirmation that
// says what will be lost), delete. One panel per part: the scope, taking a checkpoint, the lab checkpoints,
// each VM's snapshots; the confirmation is RestoreDialog.
import { useEffect, useMemo, useState } from 'react'
import { useT } from '../i18n'
import { PageHead } from '../components/PageHead'
import { useCheckpoints } from '../state/checkpoints'
import { useStore } from '../store'
import { CheckpointList } from './CheckpointList'
import { RestoreDialog, type Pending } from './RestoreDialog'
import { CUSTOM, ScopePanel } from './ScopePanel'
import { SnapshotTree } from './SnapshotTree'
import { TakePanel } from './TakePanel'
import '../pages/pages.css'
import { FailureLine } from '../components/FailureLine'

export function CheckpointsPage() {
  const t = useT()
  const labs = useStore((s) => s.labs)
  const domains = useStore((s) => s.libvirt.domains)
  const [scope, setScope] = useState('')
  const [picked, setPicked] = useState<string[]>([])
  const [pending, setPending] = useState<Pending | null>(null)
  const snapshots = useCheckpoints((s) => s.snapshots)
  const error = useCheckpoints((s) => s.actionError || s.loadError)

  // Until one is chosen: the first lab with VMs, else the VMs the user picks.
  const fallback = labs.find((x) => x.nodes.some((n) => n.domain))?.name ?? CUSTOM
  const chosen = scope || fallback
  const members = useMemo(() => {
    if (chosen === CUSTOM) return picked
    const lab = labs.find((l) => l.name === chosen)
    return (lab?.nodes ?? []).map((n) => n.domain).filter((d): d is string => !!d)
  }, [chosen, picked, labs])
  const present = members.filter((m) => Object.hasOwn(domains, m))
  const presentKey = present.join('\n')

  // Read the trees again whenever the VMs shown change (one is defined or removed, another scope).
  useEffect(() => {
    useCheckpoints.getState().show(members, presentKey ? presentKey.split('\n') : [])
  }, [members, presentKey])

  return (
    <section aria-labelledby="cp-heading" className="page">
      <PageHead
        id="cp-heading"
        title={t('cp.title')}
        subtitle={<p>{t('cp.intro')}</p>}
        actions={
          <button
            id="checkpoints-refresh"
            className="small"
            onClick={() => {
              void useStore.getState().loadLabs()
              void useCheckpoints.getState().reload()
            }}
          >
            {t('cp.refresh')}
          </button>
        }
      />

      <ScopePanel
        scope={chosen}
        onScope={setScope}
        picked={picked}
        onPicked={setPicked}
        missing={members.filter((m) => !Object.hasOwn(domains, m))}
      />

      {error && (
        <p id="checkpoints-error" className="banner fail" role="alert">
          <FailureLine error={error} />
        </p>
      )}

      {members.length === 0 && chosen === CUSTOM && Object.keys(domains).length > 0 && (
        <div id="checkpoints-pick-first" className="empty-state">
          <p className="muted">{t('cp.pickFirst')}</p>
          <button
            id="checkpoints-pick-first-go"
            onClick={() => document.querySelector<HTMLInputElement>('.domain-picks input')?.focus()}
          >
            {t('cp.pickFirstGo')}
          </button>
        </div>
      )}
      {members.length === 0 && Object.keys(domains).length === 0 && (
        <div id="checkpoints-no-vms" className="empty-state">
          <p className="muted">{t('cp.noVms')}</p>
          <button id="checkpoints-no-vms-new" onClick={() => useStore.getState().setPage('wizard')}>
            {t('empty.newLab')}
          </button>
        </div>
      )}

      {members.length > 0 && (
        <>
          <TakePanel members={members} />
          <CheckpointList onRestore={setPending} />
          <div className="panel">
            <h2>{t('cp.perVm')}</h2>
            {Object.entries(snapshots).map(([domain, nodes]) => (
              <SnapshotTree key={domain} domain={domain} nodes={nodes} onRevert={setPending} />
            ))}
          </div>
        </>
      )}

      {pending && <RestoreDialog pending={pending} onClose={() => setPending(null)} />}
    </section>
  )
}
