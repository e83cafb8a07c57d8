// Start all / stop all for one lab (on its frame in the diagram and in its VMs' details): every node's VM at
// once through `lab.power`; stopping asks first, since a guest that does not shut down in time is forced
// off. Each node's outcome is shown after.
import { useState } from 'react'
import type { LabPowerResult } from '../../../src-shared/libvirt'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { FailureLine } from '../components/FailureLine'
import { shownFailure, type ShownFailure } from '../components/words'
import { useT } from '../i18n'
import { useStore } from '../store'

/** How many nodes did not end as asked (failed, or without a VM). */
const failed = (r: LabPowerResult) =>
  r.nodes.filter((n) => n.outcome === 'failed' || n.outcome === 'missing').length

export function LabPower({
  lab,
  idPrefix,
  compact = false,
}: {
  lab: string
  idPrefix: string
  /** On the lab's frame: the outcome as one mark (each node's in its tooltip), not a list. */
  compact?: boolean
}) {
  const t = useT()
  const call = useStore((s) => s.call)
  const [busy, setBusy] = useState<'start' | 'stop' | null>(null)
  const [confirmStop, setConfirmStop] = useState(false)
  const [result, setResult] = useState<LabPowerResult | null>(null)
  const [error, setError] = useState<ShownFailure | null>(null)
  const run = async (action: 'start' | 'stop') => {
    setConfirmStop(false)
    setBusy(action)
    setError(null)
    setResult(null)
    try {
      setResult(await call('lab.power', { name: lab, action }))
    } catch (e) {
      setError(shownFailure(e))
    } finally {
      setBusy(null)
    }
  }
  return (
    <span className="lab-power" id={`${idPrefix}-power`}>
      <button
        id={`${idPrefix}-start-all`}
        className="small"
        disabled={busy !== null}
        onClick={(e) => {
          e.stopPropagation()
          void run('start')
        }}
      >
        {busy === 'start' ? t('details.working') : t('vm.startAll')}
      </button>
      <button
        id={`${idPrefix}-stop-all`}
        className="small"
        disabled={busy !== null}
        onClick={(e) => {
          e.stopPropagation()
          setConfirmStop(true)
        }}
      >
        {busy === 'stop' ? t('details.working') : t('vm.stopAll')}
      </button>
      {result && compact && (
        <span
          id={`${idPrefix}-power-result`}
          className={failed(result) ? 'lab-power-mark fail' : 'lab-power-mark'}
          role="status"
          title={result.nodes
            .map((n) => t('vm.powerOutcome', { node: n.node, outcome: t(`vm.outcome.${n.outcome}`) }))
            .join('\n')}
        >
          {failed(result) ? `⚠ ${failed(result)}` : '✓'}
        </span>
      )}
      {result && !compact && (
        <span id={`${idPrefix}-power-result`} className="lab-power-result" role="status">
          {result.nodes.map((n) => (
            <span
              key={n.node}
              className={n.outcome === 'failed' || n.outcome === 'missing' ? 'fail' : ''}
              data-node={n.node}
              data-outcome={n.outcome}
              title={n.detail || undefined}
            >
              {t('vm.powerOutcome', { node: n.node, outcome: t(`vm.outcome.${n.outcome}`) })}
            </span>
          ))}
        </span>
      )}
      {error && (
        <span id={`${idPrefix}-power-error`} className="banner fail" role="alert">
          <FailureLine error={error} />
        </span>
      )}
      {confirmStop && (
        <ConfirmDialog
          id={`${idPrefix}-stop-confirm`}
          title={t('vm.stopAllTitle', { lab })}
          confirm={t('vm.stopAllYes')}
          cancel={t('vm.keepRunning')}
          onConfirm={() => void run('stop')}
          onCancel={() => setConfirmStop(false)}
        >
          <p>{t('vm.stopAllBody')}</p>
        </ConfirmDialog>
      )}
    </span>
  )
}
