// Asking for desktop notifications when jobs end: only on the learner's click (browsers allow asking only
// then), and saying plainly when they are on or blocked.
import { useState } from 'react'
import { useT } from '../i18n'

type Permission = 'default' | 'granted' | 'denied' | 'unsupported'

const current = (): Permission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission

export function NotifyToggle() {
  const t = useT()
  const [permission, setPermission] = useState<Permission>(current)
  if (permission === 'unsupported') return null
  if (permission === 'granted')
    return (
      <span id="jobs-notify-state" className="muted" data-permission="granted">
        {t('attention.enabled')}
      </span>
    )
  if (permission === 'denied')
    return (
      <span id="jobs-notify-state" className="muted" data-permission="denied">
        {t('attention.blocked')}
      </span>
    )
  return (
    <button
      id="jobs-notify"
      className="small"
      onClick={() => void Notification.requestPermission().then(() => setPermission(current()))}
    >
      {t('attention.enable')}
    </button>
  )
}
