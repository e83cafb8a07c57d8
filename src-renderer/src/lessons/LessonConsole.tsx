// The SSH console beside a lesson: the lab controller's shell, opened with `console.open` as the Consoles page
// does (or its session already open, which both pages then share), and shown with the same terminal. It does
// not take the keyboard when it appears (the lesson text comes first); F6 moves between it and the lesson,
// since a terminal keeps Tab for the shell. After a reset (`restored` counts them) the VMs are back at the
// checkpoint and the old connection is dead though nothing has said so yet: it is opened again at once.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ConsoleInfo } from '../../../src-shared/console'
import { connect } from '../api/client'
import { ConsoleTerminal, listenForConsoles, terminalRestarted } from '../console/Terminal'
import { failureText, shownFailure, type ShownFailure } from '../components/words'
import { useLang, useT } from '../i18n'

export function LessonConsole({ lab, node, restored = 0 }: { lab: string; node: string; restored?: number }) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const api = connect().api
  const [info, setInfo] = useState<ConsoleInfo | null>(null)
  const [error, setError] = useState<ShownFailure | null>(null)
  const [tries, setTries] = useState(0)

  useEffect(() => {
    let gone = false
    listenForConsoles(api) // before the session opens, so its first prompt is not missed
    const open = async () => {
      const live = (await api.call('consoles.list', {})).find(
        (s) => s.lab === lab && s.node === node && s.kind === 'ssh' && !s.exit,
      )
      return live ?? (await api.call('console.open', { lab, node, kind: 'ssh', cols: 100, rows: 30 }))
    }
    open().then(
      (s) => !gone && setInfo(s),
      (e: unknown) => !gone && setError(shownFailure(e)),
    )
    return () => {
      gone = true
    }
  }, [api, lab, node, tries])

  const reconnect = useCallback(() => {
    if (!info) return
    api.call('console.reconnect', { id: info.id }).then(
      (next) => {
        terminalRestarted(next.id)
        setInfo(next)
      },
      (e: unknown) => setError(shownFailure(e)),
    )
  }, [api, info])

  const seenRestored = useRef(restored)
  useEffect(() => {
    if (restored === seenRestored.current) return
    seenRestored.current = restored
    reconnect()
  }, [restored, reconnect])

  return (
    <div
      className="lesson-console-box"
      onKeyDownCapture={(e) => {
        if (e.key !== 'F6') return
        e.preventDefault()
        e.stopPropagation()
        document.querySelector<HTMLElement>('#lesson-title')?.focus()
      }}
    >
      <h3 id="lesson-console-title">{t('lessons.console', { node })}</h3>
      <p className="muted small-print">{t('lessons.console.leave')}</p>
      {error && (
        <div id="lesson-console-error" className="banner fail" role="alert">
          <p>{t('lessons.console.error', { node, message: failureText(error, lang, t).message })}</p>
          <button
            id="lesson-console-retry"
            onClick={() => {
              setError(null)
              setTries((n) => n + 1)
            }}
          >
            {t('lessons.console.retry')}
          </button>
        </div>
      )}
      {!info && !error && <p className="muted">{t('lessons.console.opening', { node })}</p>}
      {info && (
        <ConsoleTerminal
          key={info.id}
          api={api}
          info={info}
          visible
          autoFocus={false}
          domId="lesson-term"
          onReconnect={reconnect}
        />
      )}
    </div>
  )
}
