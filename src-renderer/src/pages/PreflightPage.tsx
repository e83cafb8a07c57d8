// The preflight page: every host check live as the engine reports it, with evidence and a fix to copy.
import { useState } from 'react'
import { CHECK_ORDER, CHECK_TITLES, type CheckId, type PreflightCheck } from '../../../src-shared/preflight'
import { useStore } from '../store'

const STATUS_TEXT = { ok: 'OK', warn: 'Warning', fail: 'Failed', running: 'Checking…' } as const

function CopyButton({ text, id }: { text: string; id: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <button
      id={id}
      className="small"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true)
          setTimeout(() => setCopied(false), 1500)
        })
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
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
  const status = check?.status ?? (running ? 'running' : undefined)
  return (
    <li id={`check-${id}`} className={`check ${status ?? 'idle'}`} data-status={status ?? 'idle'}>
      <div className="check-head">
        <span
          id={`check-${id}-status`}
          className={`badge ${status ?? 'idle'}`}
          data-status={status ?? 'idle'}
        >
          {status ? STATUS_TEXT[status] : '—'}
        </span>
        <span className="check-title">{CHECK_TITLES[id]}</span>
      </div>
      {check && (
        <div className="check-body">
          <p id={`check-${id}-summary`} className="check-summary">
            {check.summary}
          </p>
          {check.evidence.length > 0 && (
            <ul className="evidence" aria-label="What the check saw">
              {check.evidence.map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          )}
          {check.hint && (
            <p id={`check-${id}-hint`} className="hint">
              {check.hint}
            </p>
          )}
          {check.fix && (
            <div className="fix">
              <span className="fix-label">Fix</span>
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
  return (
    <section aria-labelledby="preflight-heading">
      <header className="page-head">
        <div>
          <h1 id="preflight-heading">Host preflight</h1>
          <p className="muted">
            Is this workstation ready for an OpenStack lab? Connection:{' '}
            <code id="preflight-uri">{preflight.uri ?? '…'}</code>
          </p>
        </div>
        <button
          id="preflight-rerun"
          className="primary"
          onClick={() => void runPreflight()}
          disabled={preflight.running}
        >
          {preflight.running ? 'Checking…' : 'Re-run checks'}
        </button>
      </header>

      {preflight.error && (
        <div id="preflight-error" className="banner fail" role="alert">
          {preflight.error}
        </div>
      )}

      {report && (
        <div
          id="preflight-summary"
          className={`summary ${report.ready ? 'ok' : 'fail'}`}
          data-ready={String(report.ready)}
        >
          <strong>{report.ready ? 'Ready to build labs' : 'Not ready yet'}</strong>
          <span>
            <span id="preflight-count-ok">{report.counts.ok}</span> ok ·{' '}
            <span id="preflight-count-warn">{report.counts.warn}</span> warnings ·{' '}
            <span id="preflight-count-fail">{report.counts.fail}</span> failed
          </span>
          <span id="preflight-virt" data-virt={report.virtType}>
            {report.virtType === 'kvm'
              ? 'Guests will use KVM acceleration.'
              : 'Guests will use QEMU software emulation: slow but working.'}
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
