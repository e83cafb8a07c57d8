// A lab's OpenStack status: each node's services and health (flagged when it runs while services are
// down), the compute, network and volume services the APIs list, and the Horizon URL with the admin login.
// The latest report comes from the status store, whichever window asked for it.
import { useState } from 'react'
import { useLang, useT } from '../i18n'
import { statusProblemText } from '../components/words'
import { useLabStatus } from '../state/status'
import { FailureLine } from '../components/FailureLine'

export function StatusPanel({ lab }: { lab: string }) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const report = useLabStatus((s) => s.reports[lab])
  const busy = useLabStatus((s) => s.checking[lab] ?? false)
  const message = useLabStatus((s) => s.errors[lab])
  const [reveal, setReveal] = useState(false)

  return (
    <section className="card" aria-labelledby="status-heading">
      <h2 id="status-heading">{t('install.status.title')}</h2>
      <div className="form-actions">
        <button id="status-refresh" onClick={() => void useLabStatus.getState().refresh(lab)} disabled={busy}>
          {busy ? t('install.status.checking') : t('install.status.refresh')}
        </button>
        <span role="status">{message && <FailureLine error={message} />}</span>
      </div>
      {report && (
        <>
          {report.horizon ? (
            <p id="status-horizon">
              Horizon:{' '}
              <a href={report.horizon.url} target="_blank" rel="noreferrer">
                {report.horizon.url}
              </a>{' '}
              · {t('install.status.user')} <code>{report.horizon.username}</code> ·{' '}
              {t('install.status.password')}{' '}
              <code id="status-password">{reveal ? report.horizon.password : '••••••••'}</code>{' '}
              <button onClick={() => setReveal(!reveal)}>
                {reveal ? t('install.status.hide') : t('install.status.show')}
              </button>
            </p>
          ) : (
            <p className="muted">{t('install.status.notInstalled')}</p>
          )}
          <table className="table">
            <thead>
              <tr>
                <th>{t('install.status.node')}</th>
                <th>{t('install.status.health')}</th>
                <th>VM</th>
                <th>SSH</th>
                <th>{t('install.status.services')}</th>
              </tr>
            </thead>
            <tbody>
              {report.nodes.map((n) => (
                <tr key={n.name} id={`status-node-${n.name}`} className={n.flagged ? 'flagged' : undefined}>
                  <td>
                    {n.name} <span className="muted">{n.address}</span>
                  </td>
                  <td id={`status-node-${n.name}-health`} data-health={n.health}>
                    {t(`install.health.${n.health}`)}
                  </td>
                  <td>{n.vmState}</td>
                  <td>{n.reachable ? t('install.status.yes') : t('install.status.no')}</td>
                  <td>
                    {n.services.map((s) => (
                      <span key={s.name} className={`badge ${s.ok ? 'ok' : 'fail'}`} title={s.state}>
                        {s.name}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.services.length > 0 && (
            <table className="table" id="status-api">
              <thead>
                <tr>
                  <th>{t('install.status.kind')}</th>
                  <th>{t('install.status.binary')}</th>
                  <th>{t('install.status.host')}</th>
                  <th>{t('install.status.state')}</th>
                </tr>
              </thead>
              <tbody>
                {report.services.map((s, i) => (
                  <tr key={i} className={s.ok ? undefined : 'flagged'}>
                    <td>{s.kind}</td>
                    <td>{s.binary}</td>
                    <td>{s.host}</td>
                    <td>{s.state}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.problems.length > 0 && (
            <ul id="status-problems" className="problems">
              {report.problems.map((p, i) => (
                <li key={i} className="fail" data-code={p.code}>
                  {statusProblemText(p, lang, t)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  )
}
