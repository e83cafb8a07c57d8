// Start all / stop all for one lab: every node's VM at once (in parallel: a lab's graceful shutdowns each
// wait for their guest, and one slow node must not hold up the others). Each node gets its own outcome; a
// node whose VM failed never stops the rest, and a lab with a job running is refused before anything moves.
import type { LabState } from '../../../src-shared/lab'
import type { LabPowerResult } from '../../../src-shared/libvirt'
import { domainResume, domainShutdown, domainStart, domainState } from '../libvirt/domain'
import { LibvirtError } from '../libvirt/errors'
import { domainUuid } from '../libvirt/lookup'
import type { Virsh } from '../libvirt/virsh'

type NodeOutcome = LabPowerResult['nodes'][number]

const ON = new Set(['running', 'blocked', 'paused', 'pmsuspended', 'shutdown'])

export async function labPower(
  virsh: Virsh,
  state: LabState,
  action: 'start' | 'stop',
  timeoutMs: number,
): Promise<LabPowerResult> {
  const nodes = await Promise.all(
    state.definition.nodes.map(async ({ name }): Promise<NodeOutcome> => {
      const domain = state.nodes[name]?.domain ?? null
      const result = (outcome: NodeOutcome['outcome'], detail = ''): NodeOutcome => ({
        node: name,
        domain,
        outcome,
        detail,
      })
      if (!domain) return result('missing', `node ${name} has no VM yet (the lab was not built that far)`)
      try {
        const uuid = await domainUuid(virsh, domain).catch((e: unknown) => {
          if (e instanceof LibvirtError && e.kind === 'not-found') return null
          throw e
        })
        if (!uuid) return result('missing', `the VM ${domain} is not defined in libvirt`)
        const now = await domainState(virsh, uuid)
        if (action === 'start') {
          if (now === 'paused') return (await domainResume(virsh, domain), result('resumed'))
          if (ON.has(now)) return result('already-running')
          await domainStart(virsh, domain)
          return result('started')
        }
        if (!ON.has(now)) return result('already-off')
        // A paused guest cannot hear the ACPI request: let it run first, then ask it to shut down.
        if (now === 'paused') await domainResume(virsh, domain)
        const outcome = await domainShutdown(virsh, domain, { timeoutMs, fallback: 'force' })
        return result(
          outcome === 'shut-off' ? 'shut-off' : outcome === 'forced-off' ? 'forced-off' : 'failed',
        )
      } catch (error) {
        return result('failed', (error as Error).message)
      }
    }),
  )
  return { nodes }
}
