// What every page shows while libvirt cannot be reached: what is wrong in plain words (preflight's verdict,
// in the reader's language), the command that fixes it to copy, Retry, and the way to Preflight and Settings.
// libvirt's own message, in English, stays behind a "details" disclosure.
import { useState } from 'react'
import { useLang, useT } from '../i18n'
import { useStore } from '../store'
import { useReach } from '../state/reach'
import { CopyButton } from './CopyButton'
import { saidText } from './words'

export function Unreachable() {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const reach = useReach()
  const running = useStore((s) => s.preflight.running)
  const setPage = useStore((s) => s.setPage)
  const [trying, setTrying] = useState(false)
  if (reach.state !== 'unreachable') return null
  const check = reach.check
  const retry = async () => {
    setTrying(true)
    try {
      const s = useStore.getState()
      await Promise.all([s.runPreflight(), s.loadLibvirt()])
    } finally {
      setTrying(false)
    }
  }
  return (
    <div id="unreachable" className="unreachable" role="alert" data-uri={reach.uri}>
      <h2 id="unreachable-title">{t('reach.title')}</h2>
      <p id="unreachable-what">
        {check ? saidText(check.says?.summary, check.summary, lang, t) : t('reach.lost', { uri: reach.uri })}
      </p>
      {check?.fix ? (
        <div className="fix">
          <span className="fix-label">{t('reach.fix')}</span>
          <code id="unreachable-fix">{check.fix}</code>
          <CopyButton text={check.fix} id="unreachable-copy" />
        </div>
      ) : (
        running && <p className="muted">{t('reach.finding')}</p>
      )}
      <div className="unreachable-actions">
        <button id="unreachable-retry" className="primary" disabled={trying} onClick={() => void retry()}>
          {trying ? t('reach.retrying') : t('reach.retry')}
        </button>
        <button id="unreachable-preflight" onClick={() => setPage('preflight')}>
          {t('reach.openPreflight')}
        </button>
        <button id="unreachable-settings" onClick={() => setPage('settings')}>
          {t('reach.openSettings')}
        </button>
      </div>
      {reach.detail && (
        <details id="unreachable-details">
          <summary>{t('reach.details')}</summary>
          <pre>
            <code lang="en">{reach.detail}</code>
          </pre>
        </details>
      )}
    </div>
  )
}
