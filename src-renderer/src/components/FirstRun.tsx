// The first-run path, at a glance, while there is no lab yet: check this host (Preflight), fix what blocks
// (the failed check's command, on Preflight), create a lab (New lab). Each step says whether it is done, the
// one to do now, or later, and goes to its page.
import { useT, type MessageKey } from '../i18n'
import { useStore } from '../store'
import { currentReport, useBlocker } from '../state/reach'

type StepState = 'done' | 'current' | 'todo'

export function FirstRun() {
  const t = useT()
  const labs = useStore((s) => s.labs)
  const labsLoaded = useStore((s) => s.labsLoaded)
  const labsError = useStore((s) => s.labsError)
  const running = useStore((s) => s.preflight.running)
  const settings = useStore((s) => s.settings)
  const report = currentReport(
    useStore((s) => s.preflight.report),
    settings?.connectionUri,
  )
  const setPage = useStore((s) => s.setPage)
  const blocker = useBlocker()
  if (!labsLoaded || labsError || labs.length > 0) return null

  const checked = Boolean(report) && !running
  const toFix = blocker?.kind === 'preflight' ? blocker.checks.length : blocker ? 1 : 0
  const steps: { id: string; label: MessageKey; note: string; state: StepState; page: string }[] = [
    {
      id: 'check',
      label: 'firstRun.check',
      note: checked ? t('firstRun.checkDone') : '',
      state: checked ? 'done' : 'current',
      page: 'preflight',
    },
    {
      id: 'fix',
      label: 'firstRun.fix',
      note: !checked ? '' : toFix ? t('firstRun.fixCount', { count: toFix }) : t('firstRun.fixNone'),
      state: !checked ? (blocker ? 'current' : 'todo') : toFix ? 'current' : 'done',
      page: 'preflight',
    },
    {
      id: 'create',
      label: 'firstRun.create',
      note: '',
      state: checked && !toFix ? 'current' : 'todo',
      page: 'wizard',
    },
  ]
  return (
    <section id="first-run" className="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">{t('firstRun.title')}</h2>
      <ol>
        {steps.map((s, i) => (
          <li
            key={s.id}
            id={`first-run-${s.id}`}
            className={`first-run-step ${s.state}`}
            data-state={s.state}
            aria-current={s.state === 'current' ? 'step' : undefined}
          >
            <span className="first-run-num" aria-hidden="true">
              {s.state === 'done' ? '✓' : i + 1}
            </span>
            <span className="first-run-label">
              <strong>{t(s.label)}</strong>
              <span className="muted">
                {t(`firstRun.state.${s.state}`)}
                {s.note && ` · ${s.note}`}
              </span>
            </span>
            {s.state === 'current' && (
              <button id={`first-run-${s.id}-go`} className="small" onClick={() => setPage(s.page)}>
                {t('firstRun.go')}
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  )
}
