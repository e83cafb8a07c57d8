// The preflight page: every host check live as the engine reports it, with evidence and a fix to copy.
import { CHECK_ORDER, type CheckId, type PreflightCheck } from '../../../src-shared/preflight'
import { useLang, useT } from '../i18n'
import { useStore } from '../store'
import { CopyButton } from '../components/CopyButton'
import { saidText } from '../components/words'
import { FailureLine } from '../components/FailureLine'

function CheckRow({
  id,
  check,
  running,
}: {
  id: CheckId
  check: PreflightCheck | undefined
  running: boolean
}) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const status = check?.status ?? (running ? 'running' : undefined)
  return (
    <li id={`check-${id}`} className={`check ${status ?? 'idle'}`} data-status={status ?? 'idle'}>
      <div className="check-head">
        <span
          id={`check-${id}-status`}
          className={`badge ${status ?? 'idle'}`}
          data-status={status ?? 'idle'}
        >
          {status ? t(`preflight.status.${status}`) : '—'}
        </span>
        <span className="check-title">{t(`preflight.check.${id}`)}</span>
      </div>
      {check && (
        <div className="check-body">
          <p id={`check-${id}-summary`} className="check-summary">
            {saidText(check.says?.summary, check.summary, lang, t)}
          </p>
          {check.evidence.length > 0 && (
            <ul className="evidence" aria-label={t('preflight.evidence')}>
              {check.evidence.map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          )}
          {check.hint && (
            <p id={`check-${id}-hint`} className="hint">
              {saidText(check.says?.hint, check.hint, lang, t)}
            </p>
          )}
          {check.fix && (
            <div className="fix">
              <span className="fix-label">{t('preflight.fix')}</span>
              <code id={`check-${id}-fix`}>{check.fix}</code>
              <CopyButton text={check.fix} id={`check-${id}-copy`} />
            </div>
          )}
        </div>
      )}
    </li>
  )
}

export function PreflightPage() {
  const preflight = useStore((s) => s.preflight)
  const runPreflight = useStore((s) => s.runPreflight)
  const report = preflight.report
  const t = useT()
  return (
    <section aria-labelledby="preflight-heading">
      <header className="page-head">
        <div>
          <h1 id="preflight-heading">{t('preflight.title')}</h1>
          <p className="muted">
            {t('preflight.intro')} <code id="preflight-uri">{preflight.uri ?? '…'}</code>
          </p>
        </div>
        <button
          id="preflight-rerun"
          className="primary"
          onClick={() => void runPreflight()}
          disabled={preflight.running}
        >
          {preflight.running ? t('preflight.checking') : t('preflight.rerun')}
        </button>
      </header>

      {preflight.error && (
        <div id="preflight-error" className="banner fail" role="alert">
          <FailureLine error={preflight.error} />
        </div>
      )}

      {report && (
        <div
          id="preflight-summary"
          className={`summary ${report.ready ? 'ok' : 'fail'}`}
          data-ready={String(report.ready)}
        >
          <strong>{report.ready ? t('preflight.ready') : t('preflight.notReady')}</strong>
          <span>
            <span id="preflight-count-ok">{report.counts.ok}</span> {t('preflight.countOk')} ·{' '}
            <span id="preflight-count-warn">{report.counts.warn}</span> {t('preflight.countWarn')} ·{' '}
            <span id="preflight-count-fail">{report.counts.fail}</span> {t('preflight.countFail')}
          </span>
          <span id="preflight-virt" data-virt={report.virtType}>
            {report.virtType === 'kvm' ? t('preflight.kvm') : t('preflight.qemu')}
          </span>
        </div>
      )}

      <ol className="checks" aria-live="polite">
        {CHECK_ORDER.map((id) => (
          <CheckRow key={id} id={id} check={preflight.checks[id]} running={preflight.running} />
        ))}
      </ol>
    </section>
  )
}
