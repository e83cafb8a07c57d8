// Checks a packstack answer file against a lab before packstack runs: the hosts are the lab's nodes in the
// right roles, bridge interfaces exist on the nodes, the admin password is set, NTP is configured, and the
// Nova virt type is kvm only where the compute nodes really have working KVM (packstack's default,
// %{::default_hypervisor}, is a puppet fact that says qemu on any virtual machine).
import type { LabDefinition, LabState, NodeDef, Role } from '../../../src-shared/lab'
import { releaseInfo } from '../../../src-shared/lifecycle'
import {
  ANSWER_KEYS,
  DEFAULT_HYPERVISOR,
  PW_PLACEHOLDER,
  type AnswerFields,
  type AnswerProblem,
} from '../../../src-shared/packstack'

export interface CheckOptions {
  /** Interfaces per node name; default eth0, eth1, ... one per NIC of the node's definition. */
  interfaces?: Record<string, string[]> | undefined
  /** Whether each compute node has working KVM (/dev/kvm usable); default from the lab's virtType. */
  kvm?: Record<string, boolean> | undefined
}

export interface CheckLab {
  definition: LabDefinition
  /** The lab's recorded state, when it exists (node addresses, virtType). */
  state?: Pick<LabState, 'nodes' | 'virtType'> | null
}

interface NodeInfo {
  node: NodeDef
  addresses: string[]
}

function nodesOf(lab: CheckLab): NodeInfo[] {
  return lab.definition.nodes.map((node) => {
    const addresses = node.nics.map((n) => n.ip)
    const recorded = lab.state?.nodes[node.name]?.address
    if (recorded && !addresses.includes(recorded)) addresses.push(recorded)
    return { node, addresses }
  })
}

const describe = (n: NodeInfo) => `${n.node.name} (${n.node.role}, ${n.addresses.join(', ')})`

export function checkAnswers(
  fields: AnswerFields,
  lab: CheckLab,
  options: CheckOptions = {},
): AnswerProblem[] {
  const problems: AnswerProblem[] = []
  const error = (key: string, message: string) => problems.push({ severity: 'error', key, message })
  const warn = (key: string, message: string) => problems.push({ severity: 'warn', key, message })
  const nodes = nodesOf(lab)
  const byAddress = (addr: string) => nodes.find((n) => n.addresses.includes(addr))
  const labName = lab.definition.name
  const withRole = (role: Role) => nodes.filter((n) => n.node.role === role)

  // Hosts and roles.
  const controllerKey = ANSWER_KEYS.controllerHost
  const controller = fields.controllerHost ? byAddress(fields.controllerHost) : undefined
  if (!fields.controllerHost) error(controllerKey, `no controller host is set`)
  else if (!controller)
    error(
      controllerKey,
      `${fields.controllerHost} is not an address of a node of lab ${labName}; controllers: ${withRole('controller').map(describe).join('; ') || 'none'}`,
    )
  else if (controller.node.role !== 'controller')
    error(controllerKey, `${fields.controllerHost} is ${describe(controller)}, not a controller node`)

  const hostList = (key: string, hosts: string[] | undefined, allowed: Role[], wanted: Role) => {
    const listed = new Set<string>()
    if (!hosts?.length) error(key, 'no hosts are set')
    for (const addr of hosts ?? []) {
      const n = byAddress(addr)
      if (!n) error(key, `${addr} is not an address of a node of lab ${labName}`)
      else if (!allowed.includes(n.node.role))
        error(key, `${addr} is ${describe(n)}; it must be a ${allowed.join(' or ')} node`)
      else listed.add(n.node.name)
    }
    for (const n of withRole(wanted))
      if (!listed.has(n.node.name))
        warn(key, `${describe(n)} is not listed, so packstack installs nothing for it there`)
    return nodes.filter((n) => listed.has(n.node.name))
  }
  const computes = hostList(
    ANSWER_KEYS.computeHosts,
    fields.computeHosts,
    ['compute', 'controller'],
    'compute',
  )
  const networks = hostList(
    ANSWER_KEYS.networkHosts,
    fields.networkHosts,
    ['network', 'controller'],
    'network',
  )

  // Bridge interfaces exist on the nodes where packstack adds them to bridges.
  if (!fields.useSubnets) {
    const interfacesOf = (n: NodeInfo) =>
      options.interfaces?.[n.node.name] ?? n.node.nics.map((_, i) => `eth${i}`)
    const checkBridges = (
      ifacesKey: string,
      ifaces: AnswerFields['ovsBridgeIfaces'],
      mappingsKey: string,
      mappings: AnswerFields['ovsBridgeMappings'],
      computeBridges: string[] | undefined,
    ) => {
      for (const { bridge, iface } of ifaces ?? []) {
        if (!bridge || !iface) {
          error(ifacesKey, `"${bridge}${iface ? `:${iface}` : ''}" is not bridge:interface (like br-ex:eth1)`)
          continue
        }
        const on = [...networks, ...(computeBridges?.includes(bridge) ? computes : [])]
        for (const n of new Set(on)) {
          const have = interfacesOf(n)
          if (!have.includes(iface))
            error(
              ifacesKey,
              `${n.node.name} has no interface ${iface} for bridge ${bridge} (it has ${have.join(', ') || 'none'})`,
            )
        }
        if (mappings && !mappings.some((m) => m.bridge === bridge))
          warn(ifacesKey, `bridge ${bridge} is not in ${mappingsKey}, so no physical network uses it`)
      }
    }
    checkBridges(
      ANSWER_KEYS.ovsBridgeIfaces,
      fields.ovsBridgeIfaces,
      ANSWER_KEYS.ovsBridgeMappings,
      fields.ovsBridgeMappings,
      fields.ovsBridgesCompute,
    )
    checkBridges(
      ANSWER_KEYS.ovnBridgeIfaces,
      fields.ovnBridgeIfaces,
      ANSWER_KEYS.ovnBridgeMappings,
      fields.ovnBridgeMappings,
      fields.ovnBridgesCompute,
    )
  }

  // Neutron: linuxbridge is gone from Epoxy (2025.1) on; OVN is what current releases are tested with.
  const l2Key = ANSWER_KEYS.l2Agent
  const version = releaseInfo(lab.definition.release)?.version ?? ''
  if (fields.l2Agent === 'linuxbridge' && /^\d{4}\.\d$/.test(version) && version >= '2025.1')
    error(
      l2Key,
      `linuxbridge was removed from Neutron in 2025.1, and ${lab.definition.release} is ${version}: set ovn (or openvswitch)`,
    )

  // Admin password.
  const pwKey = ANSWER_KEYS.adminPassword
  const pw = fields.adminPassword
  if (pw === undefined || pw === '') error(pwKey, 'the admin password is empty: set one you will log in with')
  else if (pw === PW_PLACEHOLDER) {
    if (fields.defaultPassword)
      warn(
        pwKey,
        `is the placeholder: packstack will use ${ANSWER_KEYS.defaultPassword} as the admin password`,
      )
    else
      error(
        pwKey,
        `is the placeholder and ${ANSWER_KEYS.defaultPassword} is empty: packstack would make up a random admin password`,
      )
  }

  // Time.
  if (!fields.ntpServers?.length)
    warn(
      ANSWER_KEYS.ntpServers,
      'no NTP servers: packstack skips time synchronisation, and clocks that drift break keystone tokens',
    )

  // Virt type.
  const virtKey = ANSWER_KEYS.novaVirtType
  const virt = fields.novaVirtType ?? DEFAULT_HYPERVISOR
  const kvmOn = (n: NodeInfo) => options.kvm?.[n.node.name] ?? lab.state?.virtType === 'kvm'
  const withoutKvm = computes.filter((n) => !kvmOn(n))
  const withKvm = computes.filter(kvmOn)
  if (virt === 'kvm') {
    if (withoutKvm.length)
      error(
        virtKey,
        `kvm needs working KVM on every compute node, and ${withoutKvm.map((n) => n.node.name).join(', ')} has none: set qemu`,
      )
  } else if (virt === 'qemu') {
    if (computes.length && !withoutKvm.length)
      warn(virtKey, `every compute node has working KVM: kvm would run instances much faster than qemu`)
  } else if (virt === DEFAULT_HYPERVISOR) {
    if (withKvm.length)
      warn(
        virtKey,
        `${DEFAULT_HYPERVISOR} is qemu on a virtual machine even with nested KVM; set kvm to use the KVM of ${withKvm.map((n) => n.node.name).join(', ')}`,
      )
  } else error(virtKey, `must be kvm or qemu, not ${JSON.stringify(virt)}`)

  return problems
}
