// What goes into a node's disk before its first boot, in the guest OS's own formats: network files for
// both NICs (ifcfg on EL7, NetworkManager keyfiles on EL8/EL9, interfaces on Debian), /etc/hosts with
// every node, and packstack's preparation per OS family (FQDN, English locale, SELinux permissive,
// firewalld off, RabbitMQ after the network). Pure functions; the commands are virt-customize's own
// command-file syntax (one operation a line), not shell.
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

/**
 * A NetworkManager keyfile (EL8/EL9: network-scripts are gone on EL9, and packstack only warns when
 * NetworkManager runs). The connection is bound to the NIC's MAC, not to a name, so it holds whether the
 * guest calls the NIC eth0 or enp1s0. NetworkManager ignores keyfiles others can read: upload as 0600.
 */
export function nmKeyfile(n: NicPlan): string {
  const lines = [
    '# Written by Stacklab',
    '[connection]',
    `id=${n.device}`,
    'type=ethernet',
    'autoconnect=true',
    '',
    '[ethernet]',
    `mac-address=${n.mac}`,
    '',
    '[ipv4]',
    'method=manual',
  ]
  if (n.gateway) lines.push(`address1=${n.ip}/${n.prefix},${n.gateway}`, `dns=${n.gateway};`)
  else lines.push(`address1=${n.ip}/${n.prefix}`, 'never-default=true')
  lines.push('', '[ipv6]', 'method=ignore')
  return lines.join('\n') + '\n'
}

const NM_CONNECTIONS = '/etc/NetworkManager/system-connections'

/** Where a NIC's keyfile goes. */
export function nmKeyfilePath(n: NicPlan): string {
  return `${NM_CONNECTIONS}/stacklab-${n.device}.nmconnection`
}

/**
 * packstack's puppet runs need an English locale: with a Korean (or any non-English) system locale some
 * commands' output is not what packstack parses. /etc/environment is read by every login and by sshd.
 */
export const ENVIRONMENT_FILE = 'LANG=en_US.utf-8\nLC_ALL=en_US.utf-8\n'

/**
 * RabbitMQ waits for the network: without it, after a reboot or a checkpoint restore, epmd starts before
 * the static address is up and RabbitMQ does not listen where the services look for it.
 */
export const RABBITMQ_DROPIN_DIR = '/etc/systemd/system/rabbitmq-server.service.d'
export const RABBITMQ_DROPIN = `${RABBITMQ_DROPIN_DIR}/stacklab-network.conf`
export const RABBITMQ_DROPIN_TEXT =
  '# Written by Stacklab: start after the static address is up (epmd binds it)\n' +
  '[Unit]\nWants=network-online.target\nAfter=network-online.target\n'

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
  if (family === 'debian') {
    files.set('/etc/network/interfaces', debianInterfaces(nics))
    return files
  }
  if (family === 'rhel7')
    for (const n of nics) files.set(`/etc/sysconfig/network-scripts/ifcfg-${n.device}`, rhelIfcfg(n))
  else for (const n of nics) files.set(nmKeyfilePath(n), nmKeyfile(n))
  files.set('/etc/environment', ENVIRONMENT_FILE)
  files.set(RABBITMQ_DROPIN, RABBITMQ_DROPIN_TEXT)
  return files
}

/**
 * Turn cloud-init off in a cloud image (its generator skips every unit when this file exists): with no
 * datasource in a lab it would wait minutes at boot for one, then rewrite the host name and network
 * Stacklab set. Only where cloud-init is installed; nothing else is touched.
 */
export const CLOUD_INIT_DISABLED = '/etc/cloud/cloud-init.disabled'
export const CLOUD_INIT_OFF = `run-command if [ -e /usr/bin/cloud-init ] || [ -d /etc/cloud ]; then mkdir -p /etc/cloud && touch ${CLOUD_INIT_DISABLED}; fi`

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
  /** The disk is a cloud image's: cloud-init, when there, is turned off (see CLOUD_INIT_OFF). */
  cloudImage?: boolean
}): string[] {
  const { lab, node, family } = options
  const cmds = [
    `hostname ${fqdn(lab, node)}`,
    `root-password file:${options.passwordFile}`,
    `ssh-inject root:file:${options.authorizedKeyFile}`,
  ]
  // Folders an upload needs that a fresh guest may lack (the drop-in's: RabbitMQ is not installed yet).
  const folders = new Set<string>()
  for (const guest of options.uploads.keys()) {
    const folder = guest.slice(0, guest.lastIndexOf('/'))
    if (folder === RABBITMQ_DROPIN_DIR || folder === NM_CONNECTIONS) folders.add(folder)
  }
  for (const folder of folders) cmds.push(`run-command mkdir -p ${folder}`)
  for (const [guest, local] of options.uploads) {
    cmds.push(`upload ${local}:${guest}`)
    if (guest.endsWith('.nmconnection')) cmds.push(`chmod 0600:${guest}`)
  }
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
  if (options.cloudImage) cmds.push(CLOUD_INIT_OFF)
  if (family !== 'debian') {
    if (options.eol && family === 'rhel7') cmds.push(...CENTOS7_VAULT)
    // packstack's preparation: SELinux permissive, firewalld off (packstack writes its own iptables
    // rules), time sync.
    cmds.push(
      'edit /etc/selinux/config:s/^SELINUX=.*/SELINUX=permissive/',
      'run-command systemctl disable firewalld || true',
    )
    if (family === 'rhel7')
      // The seeds' EL7: the network service owns the ifcfg files, NetworkManager is off.
      cmds.push(
        'run-command systemctl disable NetworkManager || true',
        'run-command systemctl enable network || true',
      )
    else
      // EL8/EL9: NetworkManager stays and owns the keyfiles (EL9 has no network service at all);
      // wait-online makes network-online.target mean the static addresses are up.
      cmds.push('run-command systemctl enable NetworkManager NetworkManager-wait-online || true')
    cmds.push('run-command systemctl enable chronyd || true')
    cmds.push('selinux-relabel')
  }
  return cmds
}
