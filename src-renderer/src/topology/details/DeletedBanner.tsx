// What deleting a VM did with each of its disks: removed, or kept with the reason.
import type { DomainDeleteResult } from '../../../../src-shared/libvirt'
import { useT } from '../../i18n'

export interface Deleted {
  name: string
  result: DomainDeleteResult
}

export function DeletedBanner({ deleted, onClose }: { deleted: Deleted; onClose: () => void }) {
  const t = useT()
  const { name, result } = deleted
  return (
    <div id="topology-deleted" className="banner" role="status">
      <p>
        {t('obj.deleted', { name })}{' '}
        <button id="topology-deleted-close" className="small" onClick={onClose}>
          {t('obj.close')}
        </button>
      </p>
      {result.removedDisks.length > 0 && (
        <>
          <strong>{t('obj.removedDisks')}</strong>
          <ul id="topology-deleted-removed">
            {result.removedDisks.map((p) => (
              <li key={p} className="mono">
                {p}
              </li>
            ))}
          </ul>
        </>
      )}
      {result.keptDisks.length > 0 && (
        <>
          <strong>{t('obj.keptDisks')}</strong>
          <ul id="topology-deleted-kept">
            {result.keptDisks.map((k) => (
              <li key={`${k.target}-${k.source}`} data-reason={k.reason}>
                <span className="mono">
                  {k.target} {k.source ?? ''}
                </span>{' '}
                — {t(`obj.kept.${k.reason}`)} <span className="muted">({k.detail})</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}
