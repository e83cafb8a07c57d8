// The preflight page: every host check live as the engine reports it, with evidence and a fix to copy. It
// leads with what blocks (each failed check with its fix), says when the checks ran and for which connection,
// shows checks that need a failed one as skipped, and, once nothing blocks, points to the next step.
import { ConnectionChip, PageHead } from '../components/PageHead'
import { CHECK_ORDER, type CheckId, type PreflightCheck } from '../../../src-shared/preflight'
import { useLang, useT, type Lang, type Translate } from '../i18n'
import { useStore } from '../store'
import { CopyButton } from '../components/CopyButton'
import { saidText } from '../components/words'
import { FailureLine } from '../components/FailureLine'
import { formatWhen, useNow } from '../components/time'

/** How long ago, in words of the reader's language ("2 minutes ago", "2분 전"). */
function ago(iso: string, now: number, lang: Lang): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000)
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' })
  if (Math.abs(seconds) < 60) return rtf.format(Math.min(0, seconds), 'second')
  const minutes = Math.round(seconds / 60)
  if (Math.abs(minutes) < 60) return rtf.format(minutes, 'minute')
  const hours = Math.round(minutes / 60)
  return Math.abs(hours) < 48 ? rtf.format(hours, 'hour') : rtf.format(Math.round(hours / 24), 'day')
}

/** The failed checks first, each with its words and the command that fixes it. */
function Blockers({ failed, t, lang }: { failed: PreflightCheck[]; t: Translate; lang: Lang }) {
  return (
    <section id="preflight-blocker" className="preflight-blocker" aria-labelledby="preflight-blocker-title">
      <h2 id="preflight-blocker-title">{t('preflight.blocker', { count: failed.length })}</h2>
      <ul>
        {failed.map((c) => (
          <li key={c.id} id={`blocker-${c.id}`}>
            <strong>{t(`preflight.check.${c.id}`)}</strong>: {saidText(c.says?.summary, c.summary, lang, t)}
            {c.fix && (
              <div className="fix">
                <span className="fix-label">{t('preflight.fix')}</span>
                <code id={`blocker-${c.id}-fix`}>{c.fix}</code>
                <CopyButton text={c.fix} id={`blocker-${c.id}-copy`} />
              </div>
            )}
          </li>
        ))}
      </ul>
      <p className="muted">{t('preflight.blockerThen')}</p>
    </section>
  )
}

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
      {check?.blockedBy && (
        <p id={`check-${id}-blocked-by`} className="check-body muted" data-blocked-by={check.blockedBy}>
          {t('preflight.skippedBecause', { check: t(`preflight.check.${check.blockedBy}`) })}
        </p>
      )}
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
  const settings = useStore((s) => s.settings)
  const labs = useStore((s) => s.labs)
  const labsLoaded = useStore((s) => s.labsLoaded)
  const setPage = useStore((s) => s.setPage)
  const report = preflight.report
  const t = useT()
  const lang = useLang((s) => s.lang)
  const now = useNow(Boolean(report))
  // While a run streams, its failures lead as they arrive; then the report's.
  const failed = CHECK_ORDER.map((id) => preflight.checks[id]).filter(
    (c): c is PreflightCheck => c?.status === 'fail',
  )
  const otherUri = report && settings && report.uri !== settings.connectionUri
  return (
    <section aria-labelledby="preflight-heading">
      <PageHead
        id="preflight-heading"
        title={t('preflight.title')}
        subtitle={
          <>
            <p>
              {t('preflight.intro')}{' '}
              {preflight.uri ? <ConnectionChip id="preflight-uri" uri={preflight.uri} /> : '…'}
            </p>
            <p
              id="preflight-ran-at"
              className="muted"
              data-finished-at={report?.finishedAt ?? ''}
              data-running={String(preflight.running)}
            >
              {preflight.running
                ? t('preflight.runningNow')
                : report
                  ? t('preflight.ranAt', {
                      when: formatWhen(report.finishedAt, lang),
                      ago: ago(report.finishedAt, now, lang),
                    })
                  : ''}
            </p>
            {otherUri && (
              <p id="preflight-other-uri" className="warn-text">
                {t('preflight.otherUri', { uri: settings.connectionUri })}
              </p>
            )}
          </>
        }
        actions={
          <button
            id="preflight-rerun"
            className="primary"
            onClick={() => void runPreflight()}
            disabled={preflight.running}
          >
            {preflight.running ? t('preflight.checking') : t('preflight.rerun')}
          </button>
        }
      />

      {preflight.error && (
        <div id="preflight-error" className="banner fail" role="alert">
          <FailureLine error={preflight.error} />
        </div>
      )}

      {failed.length > 0 && <Blockers failed={failed} t={t} lang={lang} />}

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
            {report.counts.skip > 0 && (
              <>
                {' '}
                · <span id="preflight-count-skip">{report.counts.skip}</span> {t('preflight.countSkip')}
              </>
            )}
          </span>
          <span id="preflight-virt" data-virt={report.virtType}>
            {report.virtType === 'kvm' ? t('preflight.kvm') : t('preflight.qemu')}
          </span>
        </div>
      )}

      {report?.ready && !otherUri && labsLoaded && labs.length === 0 && (
        <div className="next-step">
          <button id="preflight-next" className="primary" onClick={() => setPage('wizard')}>
            {t('firstRun.next')}
          </button>
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
