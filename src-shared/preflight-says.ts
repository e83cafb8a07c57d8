// What preflight checks say (their summaries and hints), in English and Korean, by a stable key with
// parameters. The engine writes the English sentence from here and sends the key and parameters beside it;
// the renderer shows the sentence in the user's language from the same table. One table, so the two can
// never say different things. What a check saw (evidence) and the command that fixes it stay as they are.
import { z } from 'zod'
import { fillPlaceholders } from './text'

const en = {
  connected: 'Connected to {uri}',
  'virsh-missing': 'virsh is not installed',
  'daemon-unreachable': 'The libvirt daemon is not running or not reachable',
  'connection-permission': 'libvirt refused the connection: no permission',
  'host-key': 'The SSH host key of {host} is unknown or has changed, so the connection was refused',
  'host-key.hint':
    "Compare the key fingerprint ssh shows with the remote host's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub there) before you accept it.",
  'no-driver': 'libvirt has no driver for this connection',
  'connect-failed': 'Could not connect to libvirt',
  'access-root': 'You may manage libvirt (running as root)',
  'access-session': 'You may manage libvirt (a per-user session connection)',
  'access-read-write': 'You may manage libvirt (read-write connection accepted)',
  'access-denied': '{user} may not manage libvirt on {uri}',
  'access-not-in-group': '{user} is not in the libvirt group; libvirt was not reachable to confirm access',
  'access-unconfirmed': 'Not confirmed: libvirt is not reachable',
  'kvm-ok': 'KVM can run guests: labs use hardware acceleration',
  'kvm-tcg': 'KVM cannot run guests here: labs will use QEMU software emulation (slow but working)',
  'kvm-tcg.hint':
    'For KVM, enable Intel VT-x or AMD-V in the firmware setup (on a VM: enable nested virtualization on its host).',
  'cpu-flag': '{flag} present ({technology})',
  'cpu-no-flag':
    'No vmx/svm flag: the CPU offers no hardware virtualization here, so guests use qemu (software)',
  'cpu-no-flag.hint':
    "Enable Intel VT-x or AMD-V in the firmware setup (on a VM: expose it from the VM's host).",
  'nested-on': 'Nested virtualization is on: the compute node can run KVM instances',
  'nested-on-until-reboot':
    'Nested virtualization is on: the compute node can run KVM instances (not set in modprobe.d: off after reboot)',
  'nested-module-not-loaded':
    '{module} is not loaded: no nested KVM, so instances on the compute node will use qemu',
  'nested-off': 'Nested virtualization is off: instances on the compute node will use qemu',
  'tools-ok': 'All required tools are installed',
  'tools-missing': 'Missing: {tools}',
  'guestfs-missing': 'libguestfs (the appliance behind virt-builder) is not installed',
  'xfs-ok': 'libguestfs can resize XFS, as CentOS and RHEL templates need',
  'xfs-missing':
    "No XFS support in libguestfs: resizing a CentOS/RHEL template fails with 'virt-resize: error: unknown/unavailable method for expanding the xfs filesystem'",
  'disk-remote': 'Not checked: the images directory is on the remote host',
  'disk-unreadable': 'Cannot read {dir}',
  'disk-ok': '{free} GiB free',
  'disk-tight': '{free} GiB free: enough for a small lab, tight for OpenStack',
  'disk-low': 'Only {free} GiB free',
  'disk.hint':
    'Remove old images you no longer need, or choose an images directory on a bigger disk in Settings.',
  'memory-remote': 'Not checked: guests run on the remote host',
  'meminfo-unreadable': 'Could not read /proc/meminfo',
  'memory-ok': '{available} GiB available',
  'memory-tight': '{available} GiB available: less than the default lab needs',
  'memory-low': 'Only {available} GiB available',
  'memory.hint': 'Close other VMs and programs, or give the nodes less memory in the lab definition.',
  'network-unchecked': 'Not checked: libvirt is not reachable',
  'network-ok': "'default' NAT network is active",
  'network-inactive': "'default' network exists but is not active",
  'network-missing': "No 'default' network: eth0 of every node needs it for NAT",
  'check-broke': 'The check itself failed',
  'uri-refused': 'The saved connection URI was refused; checked {uri} instead.',
  'uri-refused.hint': 'Set a supported connection in Settings (or fix {keptAt} and copy it back).',
} as const

export type PreflightSayKey = keyof typeof en

const ko: Record<PreflightSayKey, string> = {
  connected: '{uri}에 연결했습니다',
  'virsh-missing': 'virsh가 설치되어 있지 않습니다',
  'daemon-unreachable': 'libvirt 데몬이 실행 중이 아니거나 연결할 수 없습니다',
  'connection-permission': 'libvirt가 연결을 거부했습니다: 권한이 없습니다',
  'host-key': '{host}의 SSH 호스트 키를 모르거나 바뀌어서 연결이 거부되었습니다',
  'host-key.hint':
    '받아들이기 전에 ssh가 보여 주는 키 지문을 원격 호스트의 키와 비교하세요(그 호스트에서 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub).',
  'no-driver': '이 연결에 맞는 libvirt 드라이버가 없습니다',
  'connect-failed': 'libvirt에 연결할 수 없습니다',
  'access-root': 'libvirt를 관리할 수 있습니다(root로 실행 중)',
  'access-session': 'libvirt를 관리할 수 있습니다(사용자별 세션 연결)',
  'access-read-write': 'libvirt를 관리할 수 있습니다(읽기/쓰기 연결 허용)',
  'access-denied': '{user}은(는) {uri}에서 libvirt를 관리할 수 없습니다',
  'access-not-in-group':
    '{user}은(는) libvirt 그룹에 속해 있지 않습니다. libvirt에 연결할 수 없어 권한을 확인하지 못했습니다',
  'access-unconfirmed': '확인하지 못했습니다: libvirt에 연결할 수 없습니다',
  'kvm-ok': 'KVM으로 게스트를 실행할 수 있습니다: 랩이 하드웨어 가속을 사용합니다',
  'kvm-tcg':
    '여기서는 KVM으로 게스트를 실행할 수 없습니다: 랩은 QEMU 소프트웨어 에뮬레이션을 사용합니다(느리지만 동작합니다)',
  'kvm-tcg.hint':
    'KVM을 쓰려면 펌웨어 설정에서 Intel VT-x 또는 AMD-V를 켜세요(VM이라면 그 VM의 호스트에서 중첩 가상화를 켜세요).',
  'cpu-flag': '{flag} 있음({technology})',
  'cpu-no-flag':
    'vmx/svm 플래그가 없습니다: 여기서는 CPU가 하드웨어 가상화를 제공하지 않으므로 게스트는 qemu(소프트웨어)를 사용합니다',
  'cpu-no-flag.hint':
    '펌웨어 설정에서 Intel VT-x 또는 AMD-V를 켜세요(VM이라면 그 VM의 호스트에서 노출하세요).',
  'nested-on': '중첩 가상화가 켜져 있습니다: compute 노드에서 KVM 인스턴스를 실행할 수 있습니다',
  'nested-on-until-reboot':
    '중첩 가상화가 켜져 있습니다: compute 노드에서 KVM 인스턴스를 실행할 수 있습니다(modprobe.d에 설정되지 않아 재부팅하면 꺼집니다)',
  'nested-module-not-loaded':
    '{module}이(가) 로드되지 않았습니다: 중첩 KVM이 없으므로 compute 노드의 인스턴스는 qemu를 사용합니다',
  'nested-off': '중첩 가상화가 꺼져 있습니다: compute 노드의 인스턴스는 qemu를 사용합니다',
  'tools-ok': '필요한 도구가 모두 설치되어 있습니다',
  'tools-missing': '없는 도구: {tools}',
  'guestfs-missing': 'libguestfs(virt-builder가 쓰는 어플라이언스)가 설치되어 있지 않습니다',
  'xfs-ok': 'libguestfs가 CentOS와 RHEL 템플릿에 필요한 XFS 크기 조정을 할 수 있습니다',
  'xfs-missing':
    "libguestfs에 XFS 지원이 없습니다: CentOS/RHEL 템플릿의 크기를 늘리면 'virt-resize: error: unknown/unavailable method for expanding the xfs filesystem' 오류가 납니다",
  'disk-remote': '확인하지 않았습니다: 이미지 디렉터리가 원격 호스트에 있습니다',
  'disk-unreadable': '{dir}을(를) 읽을 수 없습니다',
  'disk-ok': '{free} GiB 남음',
  'disk-tight': '{free} GiB 남음: 작은 랩에는 충분하지만 OpenStack에는 빠듯합니다',
  'disk-low': '{free} GiB만 남았습니다',
  'disk.hint':
    '더 이상 쓰지 않는 이미지를 지우거나, 설정에서 더 큰 디스크에 있는 이미지 디렉터리를 고르세요.',
  'memory-remote': '확인하지 않았습니다: 게스트가 원격 호스트에서 실행됩니다',
  'meminfo-unreadable': '/proc/meminfo를 읽을 수 없습니다',
  'memory-ok': '{available} GiB 사용 가능',
  'memory-tight': '{available} GiB 사용 가능: 기본 랩에 필요한 것보다 적습니다',
  'memory-low': '{available} GiB만 사용할 수 있습니다',
  'memory.hint': '다른 VM과 프로그램을 닫거나, 랩 정의에서 노드의 메모리를 줄이세요.',
  'network-unchecked': '확인하지 않았습니다: libvirt에 연결할 수 없습니다',
  'network-ok': "'default' NAT 네트워크가 활성 상태입니다",
  'network-inactive': "'default' 네트워크가 있지만 활성 상태가 아닙니다",
  'network-missing': "'default' 네트워크가 없습니다: 모든 노드의 eth0에 NAT용으로 필요합니다",
  'check-broke': '검사 자체가 실패했습니다',
  'uri-refused': '저장된 연결 URI가 거부되어 대신 {uri}을(를) 검사했습니다.',
  'uri-refused.hint': '설정에서 지원되는 연결을 고르세요(또는 {keptAt}을(를) 고쳐서 다시 복사하세요).',
}

/** The sentences, by language: the renderer's catalogs take them in as the `preflight.says.*` keys. */
export const PREFLIGHT_SAYS: { en: Record<PreflightSayKey, string>; ko: Record<PreflightSayKey, string> } = {
  en,
  ko,
}

/** One sentence as data: its key and what fills its placeholders. */
export const Said = z.object({
  key: z.string().max(64),
  params: z.record(z.string(), z.union([z.string().max(4096), z.number()])),
})
export type Said = z.infer<typeof Said>
export type SaidParams = Said['params']

/** The English sentence for a key: what the engine puts in a check's summary or hint. */
export function saidInEnglish(said: { key: PreflightSayKey; params: SaidParams }): string {
  return fillPlaceholders(en[said.key], said.params)
}
