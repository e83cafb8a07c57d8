// Views shared by the pages that show libvirt objects made by any tool: the words for interface and disk
// kinds, what each connects to, the mark of an object Stacklab cannot read, and its raw XML (read-only).
import { useEffect, useRef, useState } from 'react'
import type { DiskInfo, NicInfo, ObjectProblem } from '../../../src-shared/libvirt'
import { isMessageKey, type Translate as T } from '../i18n'
import { shownFailure, type ShownFailure } from './words'
import { FailureLine } from './FailureLine'

/** A word for a libvirt kind, from the catalog where there is one, else libvirt's own word. */
function word(t: T, key: string, fallback: string): string {
  return isMessageKey(key) ? t(key) : fallback
}

export function nicKind(t: T, nic: NicInfo): string {
  return word(t, `obj.nic.${nic.type}`, nic.type)
}

/** A NIC's other end: its libvirt network, its host bridge, or the device, socket or address it uses. */
export function nicConnectsTo(t: T, nic: NicInfo): string {
  if (nic.network) return nic.network
  if (nic.bridge) return t('obj.nic.bridgeOf', { bridge: nic.bridge })
  return nic.source ?? nic.target ?? '—'
}

export function diskKind(t: T, disk: DiskInfo): string {
  const type = word(t, `obj.disk.${disk.type}`, disk.type)
  const parts = [disk.device, type, disk.format].filter(Boolean)
  return [...new Set(parts)].join(' · ')
}

/** Where a disk's data is: a path, `pool/volume → path`, `rbd://host:port/name`, an NVMe address. */
export function diskSource(t: T, disk: DiskInfo): string {
  if (disk.type === 'volume')
    return `${disk.pool ?? '?'}/${disk.volume ?? '?'} → ${disk.source ?? t('obj.disk.unresolved')}`
  if (disk.type === 'network')
    return `${disk.protocol ?? 'network'}://${disk.hosts.join(',')}${disk.name?.startsWith('/') ? '' : '/'}${disk.name ?? ''}`
  return disk.source ?? disk.detail ?? '—'
}

/** The mark of an object Stacklab cannot (fully) read: the error, and a way to its raw XML. */
export function ProblemNote({
  id,
  problem,
  t,
  onRawXml,
}: {
  id: string
  problem: ObjectProblem
  t: T
  onRawXml?: () => void
}) {
  return (
    <div id={id} className="banner fail problem-note" role="alert">
      <strong>{t('obj.problemTitle')}</strong>
      <p className="mono wrap">{problem.message}</p>
      {onRawXml && (
        <button id={`${id}-raw`} className="small" onClick={onRawXml}>
          {t('obj.rawXml')}
        </button>
      )}
    </div>
  )
}

/** libvirt's XML of one object, as libvirt gives it, in a modal; nothing in it can be edited. */
export function RawXmlDialog({
  title,
  load,
  onClose,
  t,
}: {
  title: string
  load: () => Promise<{ xml: string }>
  onClose: () => void
  t: T
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const [xml, setXml] = useState<string | null>(null)
  const [error, setError] = useState<ShownFailure | null>(null)
  // Read once per dialog.
  const loadOnce = useRef(load)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
    return () => d?.close()
  }, [])
  useEffect(() => {
    let live = true
    loadOnce.current().then(
      (r) => live && setXml(r.xml),
      (e: unknown) => live && setError(shownFailure(e)),
    )
    return () => {
      live = false
    }
  }, [])
  return (
    <dialog
      ref={ref}
      id="raw-xml-dialog"
      className="confirm raw-xml"
      aria-labelledby="raw-xml-title"
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
    >
      <h2 id="raw-xml-title">{title}</h2>
      {error ? (
        <p id="raw-xml-error" className="banner fail" role="alert">
          <FailureLine error={error} />
        </p>
      ) : xml === null ? (
        <p className="muted">{t('obj.rawXmlLoading')}</p>
      ) : (
        <textarea id="raw-xml-text" className="mono" readOnly value={xml} rows={24} spellCheck={false} />
      )}
      <div className="form-actions">
        <button id="raw-xml-close" onClick={onClose} autoFocus>
          {t('obj.close')}
        </button>
      </div>
    </dialog>
  )
}
