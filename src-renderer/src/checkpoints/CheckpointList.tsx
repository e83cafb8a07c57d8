// The lab checkpoints over the VMs shown, oldest first: when each was taken, whether every VM has its
// snapshot, the state each VM was in; restore (after the confirmation) and delete.
import { stateWord } from '../components/badges'
import { formatWhen } from '../components/time'
import { useLang, useT } from '../i18n'
import { useCheckpoints } from '../state/checkpoints'
import type { Pending } from './RestoreDialog'

export function CheckpointList({ onRestore }: { onRestore: (pending: Pending) => void }) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const checkpoints = useCheckpoints((s) => s.checkpoints)
  const busy = useCheckpoints((s) => s.busy)
  return (
    <div className="panel">
      <h2>{t('cp.labCheckpoints')}</h2>
      {checkpoints.length === 0 ? (
        <p id="checkpoints-empty" className="muted">
          {t('cp.none')}
        </p>
      ) : (
        <ol className="checkpoints">
          {checkpoints.map((c) => (
            <li key={c.name} id={`checkpoint-${c.name}`} className="checkpoint">
              <div className="job-head">
                <strong>{c.name}</strong>
                <span className="muted">{formatWhen(c.createdAt, lang)}</span>
                {!c.complete && <span className="badge warn">{t('cp.incomplete')}</span>}
                <span className="spacer" />
                <button
                  id={`checkpoint-${c.name}-restore`}
                  className="small"
                  disabled={busy || !c.complete}
                  onClick={() =>
                    onRestore({
                      kind: 'checkpoint',
                      checkpoint: c,
                      newer: checkpoints.filter((o) => o.createdAt > c.createdAt),
                    })
                  }
                >
                  {t('cp.restore')}
                </button>
                <button
                  id={`checkpoint-${c.name}-delete`}
                  className="small"
                  disabled={busy}
                  onClick={() => void useCheckpoints.getState().deleteCheckpoint(c.name)}
                >
                  {t('cp.delete')}
                </button>
              </div>
              {c.description && <p className="muted">{c.description}</p>}
              <p className="muted">
                {c.members
                  .map((m) => t('cp.member', { vm: m.domain, state: stateWord(m.state, t) }))
                  .join(', ')}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}
