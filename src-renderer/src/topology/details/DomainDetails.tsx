// A VM's details: its actions (start, pause, resume, shut down, reboot, force off and delete with or
// without its disks after a confirmation that says what is lost; the action that fits the state is the
// primary one), its consoles, its state, its lab and role (with the lab's start all / stop all and OpenStack
// health), its devices and its snapshots.
import { useState } from 'react'
import type { DomainDeleteResult, DomainInfo } from '../../../../src-shared/libvirt'
import { HealthBadge, StateBadge } from '../../components/badges'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { ProblemNote, RawXmlDialog } from '../../components/objects'
import { reasonText } from '../../components/words'
import { useT } from '../../i18n'
import { useHealth, useInstances } from '../../state/status'
import { useStore, type DomainAction } from '../../store'
import { AddComputePanel } from '../../install/AddComputePanel'
import { labOfDomain } from '../graph'
import { LabPower } from '../LabPower'
import { ConsoleActions } from './ConsoleActions'
import { DiskTable, Field, NicTable } from './sections'
import { VmSnapshots } from './VmSnapshots'
import { shownFailure, type ShownFailure } from '../../components/words'
import { FailureLine } from '../../components/FailureLine'

const RUNNING_STATES = new Set(['running', 'blocked', 'paused', 'pmsuspended'])

/** The action a person most likely wants in each state: shown first and as the primary button. */
export function primaryAction(state: DomainInfo['state']): DomainAction | null {
  if (state === 'paused') return 'resume'
  if (state === 'running') return 'shutdown'
  if (state === 'shutoff' || state === 'crashed') return 'start'
  return null
}

export function DomainDetails({
  d,
  onDeleted,
}: {
  d: DomainInfo
  onDeleted: (name: string, result: DomainDeleteResult) => void
}) {
  const t = useT()
  const domainAction = useStore((s) => s.domainAction)
  const call = useStore((s) => s.call)
  const labs = useStore((s) => s.labs)
  const lab = labOfDomain(labs).get(d.name)
  const health = useHealth(d.name)
  const instances = useInstances(d.name)
  const [busy, setBusy] = useState<DomainAction | 'delete' | null>(null)
  const [error, setError] = useState<ShownFailure | null>(null)
  const [rawXml, setRawXml] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [confirmForceOff, setConfirmForceOff] = useState(false)
  const [withDisks, setWithDisks] = useState(false)
  const on = RUNNING_STATES.has(d.state)
  const reason = reasonText(d.reason, t)
  const run = async (action: DomainAction) => {
    setBusy(action)
    setError(null)
    const e = await domainAction(d.name, action)
    setBusy(null)
    if (e) setError(shownFailure(e))
  }
  const remove = async () => {
    setConfirmDelete(false)
    setBusy('delete')
    setError(null)
    try {
      onDeleted(d.name, await call('domain.delete', { name: d.name, withDisks }))
    } catch (e) {
      setError(shownFailure(e))
    } finally {
      setBusy(null)
    }
  }
  const primary = primaryAction(d.state)
  // Only the actions that apply to the state are offered; the primary one first. Force off is last, apart.
  const actions = (
    [
      { id: 'start', shown: !on },
      { id: 'resume', shown: d.state === 'paused' },
      { id: 'shutdown', shown: d.state === 'running' },
      { id: 'pause', shown: d.state === 'running' },
      { id: 'reboot', shown: d.state === 'running' },
    ] as { id: DomainAction; shown: boolean }[]
  )
    .filter((a) => a.shown)
    .sort((a, b) => Number(b.id === primary) - Number(a.id === primary))
  return (
    <>
      <h2 id="details-title" className="wrap">
        {d.name}
      </h2>
      <p className="muted">{t('details.domain')}</p>
      {d.problem && (
        <ProblemNote id="details-problem" problem={d.problem} t={t} onRawXml={() => setRawXml(true)} />
      )}
      <div className="details-actions">
        {actions.map((a) => (
          <button
            key={a.id}
            id={`details-${a.id}`}
            className={a.id === primary ? 'primary' : ''}
            data-primary={String(a.id === primary)}
            disabled={busy !== null}
            onClick={() => void run(a.id)}
          >
            {busy === a.id ? t('details.working') : t(`details.action.${a.id}`)}
          </button>
        ))}
        {on && (
          <button
            id="details-forceOff"
            className="danger"
            disabled={busy !== null}
            onClick={() => setConfirmForceOff(true)}
          >
            {busy === 'forceOff' ? t('details.working') : t('vm.forceOffAsk')}
          </button>
        )}
        <button id="details-raw-xml" onClick={() => setRawXml(true)}>
          {t('obj.rawXml')}
        </button>
        <button
          id="details-delete"
          className="danger"
          disabled={busy !== null}
          onClick={() => setConfirmDelete(true)}
        >
          {busy === 'delete' ? t('details.working') : t('obj.delete')}
        </button>
      </div>
      {error && (
        <p id="details-error" className="banner fail" role="alert">
          <FailureLine error={error} />
        </p>
      )}
      <dl className="details-fields">
        <Field label={t('details.state')} id="details-state">
          <StateBadge state={d.state} /> {reason && <span className="muted">({reason})</span>}
        </Field>
        {lab && (
          <Field label={t('details.health')}>
            <HealthBadge health={health} />
          </Field>
        )}
        {lab && instances.length > 0 && (
          <Field label={t('details.instances')} id="details-instances">
            <ul className="plain-list">
              {instances.map((i) => (
                <li key={i.id} data-instance={i.name} data-status={i.status}>
                  {i.name} <span className="muted">({i.status})</span>
                </li>
              ))}
            </ul>
          </Field>
        )}
        {lab && (
          <Field label={t('details.lab')} id="details-lab">
            {lab.lab} · {t(`role.${lab.role}`)} · <span className="mono">{lab.address}</span>
            <br />
            <LabPower lab={lab.lab} idPrefix="details-lab" />
          </Field>
        )}
        <Field label={t('details.vcpus')} id="details-vcpus">
          {d.vcpus}
        </Field>
        <Field label={t('details.memory')} id="details-memory">
          {t('details.memoryMiB', { n: d.memoryMiB })}
        </Field>
        <Field label={t('details.type')}>{d.type}</Field>
        <Field label={t('details.autostart')}>{d.autostart ? t('common.yes') : t('common.no')}</Field>
        <Field label={t('details.persistent')}>{d.persistent ? t('common.yes') : t('common.no')}</Field>
      </dl>
      <ConsoleActions d={d} lab={lab ? { lab: lab.lab, node: lab.node } : null} />
      <NicTable nics={d.nics} />
      <DiskTable disks={d.disks} />
      {!d.problem && <VmSnapshots key={d.name} domain={d.name} />}
      {lab && <AddComputePanel key={lab.lab} lab={lab.lab} idPrefix="topo-add-compute" />}
      {rawXml && (
        <RawXmlDialog
          t={t}
          title={t('obj.rawXmlTitle', { name: d.name })}
          load={() => call('domain.xml', { uuid: d.uuid })}
          onClose={() => setRawXml(false)}
        />
      )}
      {confirmForceOff && (
        <ConfirmDialog
          id="force-off"
          title={t('vm.forceOffTitle', { name: d.name })}
          confirm={t('vm.forceOffYes')}
          cancel={t('vm.keepRunning')}
          onConfirm={() => {
            setConfirmForceOff(false)
            void run('forceOff')
          }}
          onCancel={() => setConfirmForceOff(false)}
        >
          <p id="force-off-lost">
            {d.state === 'paused' ? t('vm.forceOffLostPaused') : t('vm.forceOffLost')}
          </p>
        </ConfirmDialog>
      )}
      {confirmDelete && (
        <ConfirmDialog
          id="delete-domain"
          title={t('obj.deleteTitle', { name: d.name })}
          confirm={t('obj.deleteYes')}
          cancel={t('obj.deleteNo')}
          onConfirm={() => void remove()}
          onCancel={() => setConfirmDelete(false)}
        >
          <p id="delete-domain-lost">
            {d.state === 'shutoff' ? t('vm.deleteLostOff') : t('vm.deleteLostOn')}
          </p>
          <p>{withDisks ? t('vm.deleteLostDisks') : t('vm.deleteKeepsDisks')}</p>
          <label className="checkbox">
            <input
              id="delete-with-disks"
              type="checkbox"
              checked={withDisks}
              onChange={(e) => setWithDisks(e.target.checked)}
            />{' '}
            {t('obj.deleteDisks')}
          </label>
        </ConfirmDialog>
      )}
    </>
  )
}
