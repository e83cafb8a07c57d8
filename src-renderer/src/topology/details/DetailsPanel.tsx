// The details panel beside the diagram: what is selected (a VM, a network or a host bridge), closed with
// its button or Escape; focus moves to it when the selection changes.
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
  const name = selection ? `${selection.kind}:${selection.name}` : null
  useEffect(() => {
    if (name) closeRef.current?.focus({ preventScroll: true })
  }, [name])
  const bridge = selection?.kind === 'bridge' ? selection.name : null
  if (!selection || (!domain && !network && !bridge)) return null
  return (
    <aside
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
