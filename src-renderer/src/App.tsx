// The app shell: navigation on the left, the current page on the right, a banner when the engine is away.
import { useStore, type Page } from './store'
import { PreflightPage } from './pages/PreflightPage'
import { SettingsPage } from './pages/SettingsPage'

const PAGES: { id: Page; label: string }[] = [
  { id: 'preflight', label: 'Preflight' },
  { id: 'settings', label: 'Settings' },
]

export function App() {
  const page = useStore((s) => s.page)
  const setPage = useStore((s) => s.setPage)
  const connection = useStore((s) => s.connection)
  const version = useStore((s) => s.version)
  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Stacklab
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
                {p.label}
              </button>
            </li>
          ))}
        </ul>
        <div className="nav-foot">{version && `v${version}`}</div>
      </nav>
      <main className="content">
        {connection !== 'open' && (
          <div id="connection-banner" className="banner warn" role="status">
            {connection === 'connecting'
              ? 'Connecting to the Stacklab engine…'
              : 'Lost the connection to the Stacklab engine; reconnecting…'}
          </div>
        )}
        {page === 'preflight' ? <PreflightPage /> : <SettingsPage />}
      </main>
    </div>
  )
}
