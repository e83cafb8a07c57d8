// Small marks the pages share: a VM's state, a node's OpenStack health, a network's mode and whether it
// runs, and the mark of an object Stacklab cannot read.
import type { DomainState } from '../../../src-shared/libvirt'
import type { NodeStatus } from '../../../src-shared/install'
import { isMessageKey, useT, type MessageKey, type Translate } from '../i18n'

export type ServiceHealth = NodeStatus['health']

/** The one word every page uses for a libvirt state: a VM's, or the one a snapshot kept (libvirt's snapshot
 * states are a VM's plus `disk-snapshot`). A state this version does not know is shown as libvirt says it. */
export function stateWord(state: string, t: Translate): string {
  const key = `state.${state}`
  return isMessageKey(key) ? t(key) : state
}

export function StateBadge({ state, id }: { state: DomainState; id?: string }) {
  const t = useT()
  return (
    <span id={id} className={`state-pill state-${state}`} data-state={state}>
      {stateWord(state, t)}
    </span>
  )
}

export function HealthBadge({ health, id }: { health: ServiceHealth; id?: string }) {
  const t = useT()
  return (
    <span id={id} className={`health-pill health-${health}`} data-health={health}>
      {t('topology.health', { health: t(`health.${health}`) })}
    </span>
  )
}

/** The catalog word for a libvirt network's forward mode (NAT, isolated, or another kind). */
export function modeKey(mode: string): MessageKey {
  return mode === 'nat' || mode === 'isolated' ? `network.mode.${mode}` : 'network.mode.other'
}

export function ModePill({ mode }: { mode: string }) {
  const t = useT()
  return <span className={`mode-pill mode-${mode}`}>{t(modeKey(mode))}</span>
}

/** Whether a network runs, as a pill coloured like a VM's state. */
export function ActivePill({ active, id }: { active: boolean; id?: string }) {
  const t = useT()
  return (
    <span id={id} className={`state-pill ${active ? 'state-running' : 'state-shutoff'}`}>
      {active ? t('network.active') : t('network.inactive')}
    </span>
  )
}

/** The mark of a VM, network or snapshot whose definition Stacklab cannot (fully) read. */
export function ProblemPill({ id, title }: { id?: string; title?: string }) {
  const t = useT()
  return (
    <span id={id} className="problem-pill" title={title}>
      ⚠ {t('obj.problem')}
    </span>
  )
}
