// The question before a restore (a lab checkpoint) or a revert (one VM's snapshot): which VMs lose what
// happened since when, and which newer checkpoints or snapshots stay; nothing happens unless confirmed.
import type { Checkpoint, SnapshotNode } from '../../../src-shared/libvirt'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { formatWhen } from '../components/time'
import { useLang, useT } from '../i18n'
import { useCheckpoints } from '../state/checkpoints'

export type Pending =
  | { kind: 'checkpoint'; checkpoint: Checkpoint; newer: Checkpoint[] }
  | { kind: 'snapshot'; domain: string; snapshot: SnapshotNode; newer: SnapshotNode[] }

export function RestoreDialog({ pending, onClose }: { pending: Pending; onClose: () => void }) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  return (
    <ConfirmDialog
      id="confirm-restore"
      title={
        pending.kind === 'checkpoint'
          ? t('cp.confirmTitle', { name: pending.checkpoint.name })
          : t('cp.confirmSnapTitle', { name: pending.snapshot.name, vm: pending.domain })
      }
      confirm={t('cp.confirmYes')}
      cancel={t('cp.confirmNo')}
      onCancel={onClose}
      onConfirm={() => {
        onClose()
        const store = useCheckpoints.getState()
        void (pending.kind === 'checkpoint'
          ? store.restoreCheckpoint(pending.checkpoint.name)
          : store.revertSnapshot(pending.domain, pending.snapshot.name))
      }}
    >
      <p id="confirm-restore-lost">
        {t('cp.confirmLost', {
          vms:
            pending.kind === 'checkpoint'
              ? pending.checkpoint.members.map((m) => m.domain).join(', ')
              : pending.domain,
          time: formatWhen(
            pending.kind === 'checkpoint' ? pending.checkpoint.createdAt : pending.snapshot.createdAt,
            lang,
          ),
        })}
      </p>
      <p id="confirm-restore-kept">
        {pending.newer.length
          ? t('cp.confirmNewer', { names: pending.newer.map((n) => n.name).join(', ') })
          : t('cp.confirmNoNewer')}
      </p>
    </ConfirmDialog>
  )
}
