// The Consoles page: choose a lab and a node, open its SSH shell or serial console; one tab per node and
// kind. Sessions live in the engine, so tabs come back after another page was shown or the window reloaded.
import { useCallback, useEffect, useState } from 'react'
import type { ConsoleInfo, ConsoleKind } from '../../../src-shared/console'
import type { LabSummary } from '../../../src-shared/lab'
import { connect } from '../api/client'
import { ConsoleTerminal, disposeTerminal, listenForConsoles, terminalRestarted } from '../console/Terminal'
import { useT } from '../i18n'
import { useStore } from '../store'
import { PageHead } from '../components/PageHead'

/** A lab node's console by node and kind; a VM outside any lab's by its domain (`vm-` keeps them apart). */
const termKey = (s: Pick<ConsoleInfo, 'node' | 'kind' | 'domain'>) =>
  s.domain ? `vm-${s.domain}-${s.kind}` : `${s.node}-${s.kind}`
const tabKey = (s: Pick<ConsoleInfo, 'node' | 'kind' | 'domain'>) => `console-tab-${termKey(s)}`

/** The tab shown last, kept while another page is shown. */
let lastActive: string | null = null

/** Show this session's tab when the page opens next (a console opened from the topology's details). */
export function showConsoleNext(id: string): void {
  lastActive = id
}

export function ConsolesPage() {
  const t = useT()
  const api = connect().api
  const setPage = useStore((s) => s.setPage)
  const [labs, setLabs] = useState<LabSummary[] | null>(null)
  const [lab, setLab] = useState('')
  const [node, setNode] = useState('')
  const [kind, setKind] = useState<ConsoleKind>('ssh')
  const [sessions, setSessions] = useState<ConsoleInfo[]>([])
  const [active, setActiveState] = useState<string | null>(lastActive)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const setActive = (id: string | null) => {
    lastActive = id
    setActiveState(id)
  }

  useEffect(() => {
    let gone = false
    listenForConsoles(api) // before any session opens, so its first output is not missed
    void Promise.all([api.call('labs.list', {}), api.call('consoles.list', {})]).then(([l, s]) => {
      if (gone) return
      setLabs(l)
      const first = l.find((x) => x.nodes.length > 0) ?? l[0]
      if (first) {
        setLab(first.name)
        setNode(first.nodes[0]?.name ?? '')
      }
      const mine = s.filter((x) => x.lab !== '-')
      setSessions(mine)
      if (!mine.some((x) => x.id === lastActive)) setActive(mine[0]?.id ?? null)
    })
    return () => {
      gone = true
    }
  }, [api])

  const chosen = labs?.find((l) => l.name === lab)

  const open = useCallback(async () => {
    setError('')
    const existing = sessions.find((s) => s.lab === lab && s.node === node && s.kind === kind)
    if (existing) return setActive(existing.id)
    setBusy(true)
    try {
      const info = await api.call('console.open', { lab, node, kind, cols: 100, rows: 30 })
      setSessions((list) => [...list, info])
      setActive(info.id)
    } catch (e) {
      setError(t('consoles.error', { message: (e as Error).message }))
    } finally {
      setBusy(false)
    }
  }, [api, lab, node, kind, sessions, t])

  const close = (id: string) => {
    void api.call('console.close', { id }).catch(() => {})
    disposeTerminal(id)
    const rest = sessions.filter((s) => s.id !== id)
    setSessions(rest)
    if (active === id) setActive(rest[0]?.id ?? null)
  }

  const reconnect = (id: string) => {
    setError('')
    api.call('console.reconnect', { id }).then(
      (info) => {
        terminalRestarted(id)
        setSessions((list) => list.map((s) => (s.id === id ? info : s)))
      },
      (e: Error) => setError(t('consoles.error', { message: e.message })),
    )
  }

  return (
    <section aria-labelledby="consoles-heading" className="consoles">
      <PageHead
        id="consoles-heading"
        title={t('consoles.title')}
        subtitle={<p>{t('consoles.subtitle')}</p>}
      />
      {labs && labs.length === 0 && (
        <div id="consoles-empty" className="empty-state">
          <p className="muted">{t('consoles.noLabs')}</p>
          <button id="consoles-empty-new" className="primary" onClick={() => setPage('wizard')}>
            {t('empty.newLab')}
          </button>
          <button id="consoles-empty-topology" onClick={() => setPage('topology')}>
            {t('empty.topology')}
          </button>
        </div>
      )}
      {labs && labs.length > 0 && (
        <form
          className="console-chooser"
          onSubmit={(e) => {
            e.preventDefault()
            void open()
          }}
        >
          <label>
            {t('consoles.lab')}
            <select
              id="console-lab"
              value={lab}
              onChange={(e) => {
                setLab(e.target.value)
                setNode(labs.find((l) => l.name === e.target.value)?.nodes[0]?.name ?? '')
              }}
            >
              {labs.map((l) => (
                <option key={l.name} value={l.name}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('consoles.node')}
            <select id="console-node" value={node} onChange={(e) => setNode(e.target.value)}>
              {chosen?.nodes.map((n) => (
                <option key={n.name} value={n.name}>
                  {n.name} ({n.address})
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('consoles.kind')}
            <select id="console-kind" value={kind} onChange={(e) => setKind(e.target.value as ConsoleKind)}>
              <option value="ssh">{t('consoles.kind.ssh')}</option>
              <option value="serial">{t('consoles.kind.serial')}</option>
            </select>
          </label>
          <button id="console-open" className="primary" type="submit" disabled={busy || !node}>
            {busy ? t('consoles.opening') : t('consoles.open')}
          </button>
          {chosen && chosen.nodes.length === 0 && <span className="muted">{t('consoles.noNodes')}</span>}
        </form>
      )}
      {error && (
        <p className="banner fail" id="console-error" role="alert">
          {error}
        </p>
      )}
      {sessions.length === 0 && labs && labs.length > 0 && <p className="muted">{t('consoles.empty')}</p>}
      {sessions.length > 0 && (
        <div className="console-area">
          <div className="console-tabs" role="tablist" aria-label={t('consoles.tabs')}>
            {sessions.map((s) => (
              <div key={s.id} className={s.id === active ? 'console-tab active' : 'console-tab'}>
                <button
                  type="button"
                  role="tab"
                  id={tabKey(s)}
                  aria-selected={s.id === active}
                  title={s.title}
                  onClick={() => setActive(s.id)}
                >
                  {s.domain ?? `${s.lab}/${s.node}`} · {t(`consoles.kind.${s.kind}`)}
                </button>
                <button
                  type="button"
                  className="console-tab-close"
                  aria-label={t('consoles.close', { title: s.title })}
                  onClick={() => close(s.id)}
                >
                  ×
                </button>
              </div>
            ))}
          </div>
          {sessions.map((s) => (
            <ConsoleTerminal
              key={s.id}
              api={api}
              info={s}
              visible={s.id === active}
              domId={`console-term-${termKey(s)}`}
              onReconnect={() => reconnect(s.id)}
            />
          ))}
        </div>
      )}
    </section>
  )
}
