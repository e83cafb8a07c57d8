// The app shell: navigation on the left (Preflight badged while something blocks building labs), the current
// page on the right, a banner when the engine is away, libvirt's "unreachable" state above every page but
// Preflight (which leads with it itself), and the first-run path while there is no lab yet.
import { useEffect, useRef } from 'react'
import { useStore } from './store'
import { PAGES } from './pages/registry'
import { LANGS, useLang, useT, type Lang } from './i18n'
import { useBlocker, useReach } from './state/reach'
import { Unreachable } from './components/Unreachable'
import { FirstRun } from './components/FirstRun'

/** Pages that show the first-run path while there is no lab: where a newcomer lands, checks, and creates. */
const FIRST_RUN_PAGES = new Set(['topology', 'preflight', 'wizard'])
/** Pages whose every action goes through libvirt: disabled as a whole while it is out of reach (said above). */
const LIBVIRT_ONLY_PAGES = new Set(['checkpoints'])

export function App() {
  const page = useStore((s) => s.page)
  const setPage = useStore((s) => s.setPage)
  const connection = useStore((s) => s.connection)
  const version = useStore((s) => s.version)
  const t = useT()
  const lang = useLang((s) => s.lang)
  const setLang = useLang((s) => s.setLang)
  const blocker = useBlocker()
  const unreachable = useReach().state === 'unreachable'
  const current = PAGES.find((p) => p.id === page) ?? PAGES[0]!
  const View = current.view
  // Moving to another page moves focus to its heading (keyboard and screen-reader users land on the page,
  // not on the nav button they left); the first page shown at start takes no focus.
  const shown = useRef(page)
  useEffect(() => {
    if (shown.current === page) return
    shown.current = page
    document.querySelector<HTMLElement>('#main h1')?.focus({ preventScroll: false })
  }, [page])
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <nav className="nav" aria-label={t('nav.label')}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          {t('app.name')}
        </div>
        <ul>
          {PAGES.map((p) => (
            <li key={p.id}>
              <button
                id={`nav-${p.id}`}
                className={page === p.id ? 'nav-item active' : 'nav-item'}
                aria-current={page === p.id ? 'page' : undefined}
                onClick={() => setPage(p.id)}
              >
                {t(p.label)}
                {p.id === 'preflight' && blocker && (
                  <span
                    id="nav-preflight-badge"
                    className="nav-badge"
                    data-blocker={blocker.kind}
                    title={t('reach.navBlocked')}
                  >
                    !<span className="sr-only"> {t('reach.navBlocked')}</span>
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
        <div className="nav-foot">
          <label htmlFor="lang-select">{t('lang.label')}</label>
          <select id="lang-select" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
            {LANGS.map((l) => (
              <option key={l} value={l}>
                {t(`lang.${l}`)}
              </option>
            ))}
          </select>
          <span>{version && `v${version}`}</span>
        </div>
      </nav>
      <main id="main" className={`content page-${current.id}`} tabIndex={-1}>
        {connection !== 'open' && (
          <div id="connection-banner" className="banner warn" role="status">
            {connection === 'connecting' ? t('connection.connecting') : t('connection.lost')}
          </div>
        )}
        {current.id !== 'preflight' && <Unreachable />}
        {FIRST_RUN_PAGES.has(current.id) && <FirstRun />}
        {unreachable && LIBVIRT_ONLY_PAGES.has(current.id) ? (
          <fieldset id="page-disabled" className="page-off" disabled aria-describedby="unreachable-title">
            <View />
          </fieldset>
        ) : (
          <View />
        )}
      </main>
    </div>
  )
}
