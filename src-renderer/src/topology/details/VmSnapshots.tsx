// A VM's own snapshots in its details panel: the same tree as the Checkpoints page (take, revert after the
// confirmation that says what is lost, delete), read for this one VM while its panel is open.
import { useEffect, useState } from 'react'
import type { Pending } from '../../checkpoints/RestoreDialog'
import { RestoreDialog } from '../../checkpoints/RestoreDialog'
import { SnapshotTree } from '../../checkpoints/SnapshotTree'
import { FailureLine } from '../../components/FailureLine'
import { useT } from '../../i18n'
import { useCheckpoints } from '../../state/checkpoints'

export function VmSnapshots({ domain }: { domain: string }) {
  const t = useT()
  const nodes = useCheckpoints((s) => (s.present.includes(domain) ? s.snapshots[domain] : undefined))
  const error = useCheckpoints((s) => s.actionError || s.loadError)
  const [pending, setPending] = useState<Pending | null>(null)
  // The Checkpoints page shows its own VMs again when it opens (show() reads whenever the list changes).
  useEffect(() => {
    useCheckpoints.getState().show([domain], [domain])
  }, [domain])
  return (
    <div id="details-snapshots" className="details-snapshots">
      <h3>{t('vm.snapshots')}</h3>
      {error && (
        <p id="details-snapshots-error" className="banner fail" role="alert">
          <FailureLine error={error} />
        </p>
      )}
      {nodes ? (
        <SnapshotTree domain={domain} nodes={nodes} onRevert={setPending} />
      ) : (
        !error && <p className="muted">{t('topology.loading')}</p>
      )}
      {pending && <RestoreDialog pending={pending} onClose={() => setPending(null)} />}
    </div>
  )
}
