// The lab's packstack answer file on the host: the one the user saved, or one generated on the controller
// and filled with the lab's values. Kept 0600 in the lab's folder: it holds every service password.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import type { Client } from 'ssh2'
import { nodeAddress, type LabState, type NodeDef } from '../../../src-shared/lab'
import { releaseInfo } from '../../../src-shared/lifecycle'
import type { AnswerFields } from '../../../src-shared/packstack'
import type { LabFiles } from '../lab/files'
import { updateAnswerText } from '../packstack/answers'
import { registerSecret } from '../secrets'
import { remote } from '../lab/node-ssh'
import { REMOTE_ANSWERS } from './remote'

/** The physical network name packstack gives the external network: the lab's NAT network, on br-ex. */
export const EXTERNAL_PHYSNET = 'extnet'

/**
 * Neutron per release, with keys and values as packstack's docs/packstack.rst lists them ("Neutron ML2
 * plugin config", "Neutron OVN agent config", "Neutron OVS agent config"): ML2/OVN with geneve project
 * networks for current releases (Neutron's default since 2019), Open vSwitch with VXLAN for the old
 * CentOS 7 releases. Never linuxbridge: it was removed in 2025.1. The external (flat) network is the
 * lab's NAT network, mapped to br-ex. No bridge interface is set: the NAT NIC carries the node's own
 * address, and moving it into br-ex is the learner's exercise, not something to do behind their back.
 */
export function networkingFields(release: string): AnswerFields {
  const net = releaseInfo(release)?.networking ?? 'ovn'
  const mapping = [{ physnet: EXTERNAL_PHYSNET, bridge: 'br-ex' }]
  if (net === 'ovn')
    return {
      l2Agent: 'ovn',
      ml2MechanismDrivers: ['ovn'],
      ml2TypeDrivers: ['geneve', 'flat'],
      ml2TenantNetworkTypes: ['geneve'],
      ovnBridgeMappings: mapping,
      ovnExternalPhysnet: EXTERNAL_PHYSNET,
    }
  return {
    l2Agent: 'openvswitch',
    ml2MechanismDrivers: ['openvswitch'],
    ml2TypeDrivers: ['vxlan', 'flat'],
    ml2TenantNetworkTypes: ['vxlan'],
    ovsBridgeMappings: mapping,
    ovsExternalPhysnet: EXTERNAL_PHYSNET,
  }
}

/** The nodes packstack makes compute hosts: the compute nodes, or the controller when there are none. */
export function computeNodes(state: LabState): NodeDef[] {
  const nodes = state.definition.nodes
  const compute = nodes.filter((n) => n.role === 'compute')
  return compute.length ? compute : nodes.filter((n) => n.role === 'controller')
}

/**
 * The answer file's lab-derived values: hosts by role, no demo, the lab's admin password, Neutron for the
 * release, and Nova's virt type: kvm only when every compute node was checked from inside (`kvm`, by node
 * name: vmx/svm in its CPU and /dev/kvm present), qemu otherwise.
 */
export function labAnswerFields(
  state: LabState,
  adminPassword: string,
  kvm: Record<string, boolean> = {},
): AnswerFields {
  const nodes = state.definition.nodes
  const ip = (role: string) => nodes.filter((n) => n.role === role).map(nodeAddress)
  const controller = ip('controller')[0]!
  const compute = ip('compute')
  const network = ip('network')
  return {
    adminPassword,
    provisionDemo: false,
    controllerHost: controller,
    computeHosts: compute.length ? compute : [controller],
    networkHosts: network.length ? network : [controller],
    ...networkingFields(state.definition.release),
    // packstack's own default is a puppet fact (qemu on any VM): say it outright, from the check inside.
    novaVirtType: computeNodes(state).every((n) => kvm[n.name] === true) ? 'kvm' : 'qemu',
  }
}

/** The answer file saved for the lab; rejects when there is none. */
export function savedAnswers(files: LabFiles): Promise<string> {
  return readFile(files.answers, 'utf8')
}

/** Write the lab's answer file (0600, in a 0700 folder). */
export async function writeAnswers(files: LabFiles, text: string): Promise<void> {
  await mkdir(files.packstackDir, { recursive: true, mode: 0o700 })
  await writeFile(files.answers, text, { mode: 0o600 })
}

/** A new answer file: packstack's own, generated on the controller, with the lab's values and a new password. */
export async function generateAnswers(
  files: LabFiles,
  state: LabState,
  controller: Client,
  kvm: Record<string, boolean> = {},
): Promise<string> {
  await remote(controller, `rm -f ${REMOTE_ANSWERS} && packstack --gen-answer-file=${REMOTE_ANSWERS}`)
  const generated = await remote(controller, `cat ${REMOTE_ANSWERS}`)
  const password = randomBytes(12).toString('base64url')
  registerSecret(password)
  const text = updateAnswerText(generated, labAnswerFields(state, password, kvm))
  await writeAnswers(files, text)
  return text
}
