// A libvirt network's details (mode, state, addresses, DHCP, the VMs on it, its raw XML, a way to the
// Networks page that edits it), and a host bridge's (the VMs whose bridge NICs are on it).
import { useState } from 'react'
import type { NetworkInfo } from '../../../../src-shared/libvirt'
import { modeKey } from '../../components/badges'
import { ProblemNote, RawXmlDialog } from '../../components/objects'
import { useT } from '../../i18n'
import { useStore } from '../../store'
import { Field } from './sections'

export function NetworkDetails({ n }: { n: NetworkInfo }) {
  const t = useT()
  const setPage = useStore((s) => s.setPage)
  const call = useStore((s) => s.call)
  const [rawXml, setRawXml] = useState(false)
  const domains = useStore((s) => s.libvirt.domains)
  const attached = Object.values(domains)
    .filter((d) => d.nics.some((nic) => nic.network === n.name))
    .map((d) => d.name)
    .sort()
  return (
    <>
      <h2 id="details-title" className="wrap">
        {n.name}
      </h2>
      <p className="muted">{t('details.networkKind')}</p>
      {n.problem && (
        <ProblemNote id="details-problem" problem={n.problem} t={t} onRawXml={() => setRawXml(true)} />
      )}
      <div className="details-actions">
        <button id="details-open-networks" onClick={() => setPage('networks')}>
          {t('details.editNetwork')}
        </button>
        <button id="details-raw-xml" onClick={() => setRawXml(true)}>
          {t('obj.rawXml')}
        </button>
      </div>
      {rawXml && (
        <RawXmlDialog
          t={t}
          title={t('obj.rawXmlTitle', { name: n.name })}
          load={() => call('network.xml', { uuid: n.uuid })}
          onClose={() => setRawXml(false)}
        />
      )}
      <dl className="details-fields">
        <Field label={t('details.mode')} id="details-mode">
          {t(modeKey(n.mode))}
        </Field>
        <Field label={t('details.state')} id="details-state">
          {n.active ? t('network.active') : t('network.inactive')}
        </Field>
        <Field label={n.ipv4.length > 1 ? t('obj.ipv4Blocks') : t('details.subnet')} id="details-subnet">
          <span className="mono">{n.ipv4.map((b) => b.subnet ?? b.address).join(', ') || '—'}</span>
        </Field>
        <Field label={t('details.gateway')}>
          <span className="mono">{n.gateway ?? '—'}</span>
        </Field>
        <Field label={t('details.bridge')}>
          <span className="mono">{n.bridge ?? '—'}</span>
        </Field>
        <Field label={t('details.dhcp')} id="details-dhcp">
          <span className="mono">
            {n.dhcpRanges.map((r) => `${r.start} – ${r.end}`).join(', ') || t('details.none')}
          </span>
        </Field>
        <Field label={t('details.autostart')}>{n.autostart ? t('common.yes') : t('common.no')}</Field>
        <Field label={t('details.staticHosts')}>{n.staticHosts.length}</Field>
      </dl>
      <h3>{t('details.attached')}</h3>
      {attached.length ? (
        <ul id="details-attached">
          {attached.map((name) => (
            <li key={name}>{name}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('details.none')}</p>
      )}
    </>
  )
}

export function BridgeDetails({ name }: { name: string }) {
  const t = useT()
  const domains = useStore((s) => s.libvirt.domains)
  const attached = Object.values(domains)
    .filter((d) => d.nics.some((n) => n.type === 'bridge' && !n.network && n.bridge === name))
    .map((d) => d.name)
    .sort()
  return (
    <>
      <h2 id="details-title">{name}</h2>
      <p className="muted">{t('obj.hostBridgeKind')}</p>
      <h3>{t('obj.bridgeVms')}</h3>
      <ul id="details-attached">
        {attached.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </>
  )
}
