// The details panel beside the diagram: what is selected (a VM, a network or a host bridge), closed with
// its button or Escape; focus moves to it when the selection changes, and back to the box (or list row)
// that opened it when it closes.
import { useEffect, useRef } from 'react'
import type { DomainDeleteResult } from '../../../../src-shared/libvirt'
import { useT } from '../../i18n'
import { useStore } from '../../store'
import { DomainDetails } from './DomainDetails'
import { BridgeDetails, NetworkDetails } from './NetworkDetails'

export function DetailsPanel({
  onDeleted,
}: {
  onDeleted: (name: string, result: DomainDeleteResult) => void
}) {
  const t = useT()
  const selection = useStore((s) => s.selection)
  const select = useStore((s) => s.select)
  const domain = useStore((s) =>
    selection?.kind === 'domain' ? s.libvirt.domains[selection.name] : undefined,
  )
  const network = useStore((s) =>
    selection?.kind === 'network' ? s.libvirt.networks[selection.name] : undefined,
  )
  const closeRef = useRef<HTMLButtonElement>(null)
  const panelRef = useRef<HTMLElement>(null)
  /** What had focus when the panel opened (the box or row pressed), to give it back on close. */
  const opener = useRef<HTMLElement | null>(null)
  const name = selection ? `${selection.kind}:${selection.name}` : null
  useEffect(() => {
    const active = document.activeElement
    if (name) {
      if (active instanceof HTMLElement && !panelRef.current?.contains(active)) opener.current = active
      closeRef.current?.focus({ preventScroll: true })
      return
    }
    // Closed: back to the opener while it is still on the page (the VM may have been deleted meanwhile), and
    // only if focus is still in the panel's place (nobody moved it elsewhere).
    const back = opener.current
    opener.current = null
    if (back?.isConnected && (active === document.body || active === null))
      back.focus({ preventScroll: true })
  }, [name])
  const bridge = selection?.kind === 'bridge' ? selection.name : null
  if (!selection || (!domain && !network && !bridge)) return null
  return (
    <aside
      ref={panelRef}
      id="details-panel"
      className="details-panel"
      aria-labelledby="details-title"
      data-kind={selection.kind}
      data-name={selection.name}
      onKeyDown={(e) => {
        if (e.key === 'Escape') select(null)
      }}
    >
      <button
        ref={closeRef}
        id="details-close"
        className="small details-close"
        aria-label={t('details.close')}
        onClick={() => select(null)}
      >
        ✕
      </button>
      {domain && <DomainDetails d={domain} onDeleted={onDeleted} />}
      {network && <NetworkDetails n={network} />}
      {bridge && <BridgeDetails name={bridge} />}
    </aside>
  )
}
