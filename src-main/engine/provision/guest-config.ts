// What goes into a node's disk before its first boot, in the guest OS's own formats: network files for
// both NICs, /etc/hosts with every node, and the seeds' packstack preparation. Pure functions; the commands
// are virt-customize's own command-file syntax (one operation a line), not shell.
import { nodeAddress, type LabDefinition, type NodeDef, type OsFamily } from '../../../src-shared/lab'
import { formatIpv4, parseCidr } from '../../../src-shared/ipv4'

export interface NicPlan {
  device: string
  network: string
  ip: string
  prefix: number
  /** Only the NAT network's NIC carries the default route and DNS. */
  gateway: string | null
  mac: string
}

export function nicPlans(lab: LabDefinition, node: NodeDef, macs: string[]): NicPlan[] {
  return node.nics.map((nic, i) => {
    const net = lab.networks.find((n) => n.name === nic.network)!
    const subnet = parseCidr(net.subnet)!
    const gateway = net.gateway ?? formatIpv4(subnet.base + 1)
    return {
      device: `eth${i}`,
      network: nic.network,
      ip: nic.ip,
      prefix: subnet.prefix,
      gateway: net.mode === 'nat' ? gateway : null,
      mac: macs[i]!,
    }
  })
}

export function fqdn(lab: LabDefinition, node: NodeDef): string {
  return `${node.name}.${lab.domain}`
}

export function hostsFile(lab: LabDefinition): string {
  const lines = ['127.0.0.1 localhost', '::1 localhost ip6-localhost ip6-loopback', '']
  for (const node of lab.nodes) {
    // The first address of each node (its NAT NIC) is where packstack and people reach it.
    lines.push(`${nodeAddress(node)} ${fqdn(lab, node)} ${node.name}`)
  }
  return lines.join('\n') + '\n'
}

export function debianInterfaces(nics: NicPlan[]): string {
  const out = ['# Written by Stacklab', 'auto lo', 'iface lo inet loopback', '']
  for (const n of nics) {
    out.push(`auto ${n.device}`, `iface ${n.device} inet static`, `    address ${n.ip}/${n.prefix}`)
    if (n.gateway) out.push(`    gateway ${n.gateway}`)
    out.push('')
  }
  return out.join('\n')
}

export function rhelIfcfg(n: NicPlan): string {
  const lines = [
    '# Written by Stacklab',
    `DEVICE=${n.device}`,
    `NAME=${n.device}`,
    `HWADDR=${n.mac}`,
    'TYPE=Ethernet',
    'BOOTPROTO=none',
    'ONBOOT=yes',
    'NM_CONTROLLED=no',
    `IPADDR=${n.ip}`,
    `PREFIX=${n.prefix}`,
  ]
  if (n.gateway) lines.push(`GATEWAY=${n.gateway}`, 'DEFROUTE=yes', `DNS1=${n.gateway}`)
  else lines.push('DEFROUTE=no')
  return lines.join('\n') + '\n'
}

export function resolvConf(nics: NicPlan[]): string {
  const gw = nics.find((n) => n.gateway)?.gateway
  return gw ? `nameserver ${gw}\n` : ''
}

/** Files to upload: guest path → content. */
export function guestFiles(
  lab: LabDefinition,
  node: NodeDef,
  family: OsFamily,
  macs: string[],
): Map<string, string> {
  const nics = nicPlans(lab, node, macs)
  const files = new Map<string, string>()
  files.set('/etc/hosts', hostsFile(lab))
  files.set('/etc/resolv.conf', resolvConf(nics))
  if (family === 'debian') files.set('/etc/network/interfaces', debianInterfaces(nics))
  else for (const n of nics) files.set(`/etc/sysconfig/network-scripts/ifcfg-${n.device}`, rhelIfcfg(n))
  return files
}

const CENTOS7_VAULT = [
  // CentOS 7 is end of life: mirrorlist.centos.org is gone, the packages live on at the vault.
  'edit /etc/yum.repos.d/CentOS-Base.repo:s/^mirrorlist=/#mirrorlist=/',
  'edit /etc/yum.repos.d/CentOS-Base.repo:s|^#\\s*baseurl=http://mirror.centos.org|baseurl=http://vault.centos.org|',
]

/**
 * virt-customize command lines for one node. `uploads` maps guest paths to local files already written
 * (0600) by the caller; `passwordFile` holds the root password (read by virt-customize, never on argv).
 */
export function customizeCommands(options: {
  lab: LabDefinition
  node: NodeDef
  family: OsFamily
  eol: boolean
  uploads: Map<string, string>
  authorizedKeyFile: string
  hostKeyFiles: { private: string; public: string; type: string }[]
  passwordFile: string
}): string[] {
  const { lab, node, family } = options
  const cmds = [
    `hostname ${fqdn(lab, node)}`,
    `root-password file:${options.passwordFile}`,
    `ssh-inject root:file:${options.authorizedKeyFile}`,
  ]
  for (const [guest, local] of options.uploads) cmds.push(`upload ${local}:${guest}`)
  for (const key of options.hostKeyFiles) {
    cmds.push(
      `upload ${key.private}:/etc/ssh/ssh_host_${key.type}_key`,
      `chmod 0600:/etc/ssh/ssh_host_${key.type}_key`,
    )
    cmds.push(
      `upload ${key.public}:/etc/ssh/ssh_host_${key.type}_key.pub`,
      `chmod 0644:/etc/ssh/ssh_host_${key.type}_key.pub`,
    )
  }
  // A fresh machine-id on first boot: every node must differ (systemd, DHCP client ids, OVS).
  cmds.push('truncate /etc/machine-id')
  if (family !== 'debian') {
    if (options.eol && family === 'rhel7') cmds.push(...CENTOS7_VAULT)
    // The seeds' preparation for packstack: no NetworkManager or firewalld, SELinux permissive, time sync.
    cmds.push(
      'edit /etc/selinux/config:s/^SELINUX=.*/SELINUX=permissive/',
      'run-command systemctl disable NetworkManager firewalld || true',
      'run-command systemctl enable network || true',
      'run-command systemctl enable chronyd || true',
    )
    cmds.push('selinux-relabel')
  }
  return cmds
}
