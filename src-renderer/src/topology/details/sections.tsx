// Sections of the details panel: a labelled field, and a VM's interfaces and disks as tables (every kind
// libvirt has, named in the reader's language where the catalog knows it).
import type { ReactNode } from 'react'
import type { DiskInfo, NicInfo } from '../../../../src-shared/libvirt'
import { diskKind, diskSource, nicConnectsTo, nicKind } from '../../components/objects'
import { useT } from '../../i18n'

export function Field({ label, children, id }: { label: string; children: ReactNode; id?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd id={id}>{children}</dd>
    </>
  )
}

export function NicTable({ nics }: { nics: NicInfo[] }) {
  const t = useT()
  return (
    <>
      <h3>{t('details.nics')}</h3>
      {nics.length === 0 ? (
        <p className="muted">{t('details.none')}</p>
      ) : (
        <table id="details-nics" className="table">
          <thead>
            <tr>
              <th>{t('details.mac')}</th>
              <th>{t('obj.kind')}</th>
              <th>{t('obj.connectsTo')}</th>
              <th>{t('details.addresses')}</th>
            </tr>
          </thead>
          <tbody>
            {nics.map((n, i) => (
              <tr key={`${n.mac}-${i}`} data-type={n.type}>
                <td className="mono">{n.mac}</td>
                <td>{nicKind(t, n)}</td>
                <td className="mono wrap">{nicConnectsTo(t, n)}</td>
                <td className="mono">{n.addresses.join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

export function DiskTable({ disks }: { disks: DiskInfo[] }) {
  const t = useT()
  return (
    <>
      <h3>{t('details.disks')}</h3>
      {disks.length === 0 ? (
        <p className="muted">{t('details.none')}</p>
      ) : (
        <table id="details-disks" className="table">
          <thead>
            <tr>
              <th>{t('details.target')}</th>
              <th>{t('details.device')}</th>
              <th>{t('details.source')}</th>
            </tr>
          </thead>
          <tbody>
            {disks.map((disk, i) => (
              <tr key={`${disk.target}-${i}`} data-type={disk.type}>
                <td className="mono">{disk.target}</td>
                <td>{diskKind(t, disk)}</td>
                <td className="mono wrap">{diskSource(t, disk)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
