// A VM's details: its actions (start, shut down, force off, reboot, raw XML, delete with or without its
// disks, after a confirmation), its state and OpenStack health, its lab and role, and its devices.
import { useState } from 'react'
import type { DomainDeleteResult, DomainInfo } from '../../../../src-shared/libvirt'
import { HealthBadge, StateBadge } from '../../components/badges'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { ProblemNote, RawXmlDialog } from '../../components/objects'
import { reasonText } from '../../components/words'
import { useT } from '../../i18n'
import { useHealth } from '../../state/status'
import { useStore, type DomainAction } from '../../store'
import { AddComputePanel } from '../../install/AddComputePanel'
import { labOfDomain } from '../graph'
import { DiskTable, Field, NicTable } from './sections'
import { shownFailure, type ShownFailure } from '../../components/words'
import { FailureLine } from '../../components/FailureLine'

const RUNNING_STATES = new Set(['running', 'blocked', 'paused', 'pmsuspended'])

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
  const [busy, setBusy] = useState<DomainAction | 'delete' | null>(null)
  const [error, setError] = useState<ShownFailure | null>(null)
  const [rawXml, setRawXml] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
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
  const actions: { id: DomainAction; enabled: boolean }[] = [
    { id: 'start', enabled: !on },
    { id: 'shutdown', enabled: d.state === 'running' },
    { id: 'forceOff', enabled: on },
    { id: 'reboot', enabled: d.state === 'running' },
  ]
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
            className={a.id === 'start' ? 'primary' : a.id === 'forceOff' ? 'danger' : ''}
            disabled={!a.enabled || busy !== null}
            onClick={() => void run(a.id)}
          >
            {busy === a.id ? t('details.working') : t(`details.action.${a.id}`)}
          </button>
        ))}
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
        <Field label={t('details.health')}>
          <HealthBadge health={health} />
        </Field>
        {lab && (
          <Field label={t('details.lab')}>
            {lab.lab} · {t(`role.${lab.role}`)} · <span className="mono">{lab.address}</span>
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
      <NicTable nics={d.nics} />
      <DiskTable disks={d.disks} />
      {lab && <AddComputePanel key={lab.lab} lab={lab.lab} idPrefix="topo-add-compute" />}
      {rawXml && (
        <RawXmlDialog
          t={t}
          title={t('obj.rawXmlTitle', { name: d.name })}
          load={() => call('domain.xml', { uuid: d.uuid })}
          onClose={() => setRawXml(false)}
        />
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
          <p>{t('obj.deleteBody')}</p>
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
