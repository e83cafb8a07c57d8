// Why "Create lab" is disabled when the host cannot build a lab now (libvirt out of reach, or a failed
// preflight check), with the way to Preflight where the fix is.
import { useT } from '../i18n'
import { useStore } from '../store'
import type { Blocker } from '../state/reach'

export function CreateBlocked({ blocker }: { blocker: Blocker }) {
  const t = useT()
  const setPage = useStore((s) => s.setPage)
  if (!blocker) return null
  return (
    <p id="wizard-blocked" className="warn-text" data-blocker={blocker.kind}>
      {blocker.kind === 'unreachable'
        ? t('reach.createBlocked')
        : t('reach.createBlockedPreflight', {
            checks: blocker.checks.map((id) => t(`preflight.check.${id}`)).join(', '),
          })}{' '}
      <button id="wizard-blocked-preflight" className="small" onClick={() => setPage('preflight')}>
        {t('reach.openPreflight')}
      </button>
    </p>
  )
}
