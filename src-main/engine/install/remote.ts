// What the install runs on the nodes over SSH: the packstack set-up per OS family, packstack started detached
// (its own session, output to a log file, exit status to a file) and its output streamed back as it arrives.
import type { Client } from 'ssh2'
import type { InstallRun, RepositorySet } from '../../../src-shared/install'
import { remote } from '../lab/node-ssh'
import { sshExec } from '../ssh/client'

/** On the controller. */
export const REMOTE_ANSWERS = '/root/stacklab-answers.txt'
export const REMOTE_LOG_DIR = '/var/log/stacklab'

const VAULT =
  "sed -i -e 's/^mirrorlist=/#mirrorlist=/' -e 's|^#\\s*baseurl=http://mirror.centos.org|baseurl=http://vault.centos.org|' /etc/yum.repos.d/CentOS-*.repo"

/**
 * The repositories a lab's nodes get, from its OS family and release (null: Stacklab does not prepare this
 * OS, e.g. the Debian test template). Facts from packstack's own CI on CentOS Stream 9: CRB enabled, EPEL
 * removed (it conflicts with RDO), the mariadb module disabled (RDO-241).
 */
export function repositorySet(osFamily: string, release: string, eol: boolean): RepositorySet | null {
  const releasePackage = `centos-release-openstack-${release}`
  const epel = ['epel']
  switch (osFamily) {
    case 'rhel7':
      return { releasePackage, enabled: [], removed: epel, modulesDisabled: [], vault: eol }
    case 'rhel8':
      return { releasePackage, enabled: ['powertools'], removed: epel, modulesDisabled: [], vault: eol }
    case 'rhel9':
      return { releasePackage, enabled: ['crb'], removed: epel, modulesDisabled: ['mariadb'], vault: eol }
    default:
      return null
  }
}

/** The commands that put a repository set on a node (every node of the lab, before packstack). */
export function nodePrepCommands(osFamily: string, repos: RepositorySet | null): string[] {
  if (!repos) return []
  const pm = osFamily === 'rhel7' ? 'yum' : 'dnf'
  const vault = repos.vault ? [VAULT] : []
  const cmds = [...vault]
  // config-manager is a dnf plugin; a template of the core group only may not have it.
  if (repos.enabled.length) cmds.push('dnf install -y dnf-plugins-core')
  for (const repo of repos.enabled) cmds.push(`dnf config-manager --set-enabled ${repo}`)
  for (const repo of repos.removed)
    cmds.push(
      `if rpm -q ${repo}-release >/dev/null 2>&1; then ${pm} remove -y ${repo}-release; fi; rm -f /etc/yum.repos.d/${repo}.repo /etc/yum.repos.d/${repo}-*.repo`,
    )
  for (const mod of repos.modulesDisabled) cmds.push(`dnf module disable -y ${mod}`)
  // /etc/environment says en_US.utf-8; EL8 and later ship each language's locales in its own package.
  if (pm === 'dnf') cmds.push('dnf install -y glibc-langpack-en')
  // The release package adds RDO's repositories; on an archived OS they too point at the vault.
  cmds.push(`${pm} install -y ${repos.releasePackage}`, ...vault)
  return cmds
}

/** The commands that bring packstack for a release onto a fresh controller of each OS family. */
export function packstackSetupCommands(osFamily: string, release: string, eol: boolean): string[] {
  const repos = repositorySet(osFamily, release, eol)
  if (!repos) return []
  return [
    ...nodePrepCommands(osFamily, repos),
    `${osFamily === 'rhel7' ? 'yum' : 'dnf'} install -y openstack-packstack`,
  ]
}

/**
 * Whether a node can run KVM guests itself: its CPU shows vmx or svm and /dev/kvm exists. Only then is
 * Nova's kvm right inside a lab VM (packstack's docs: "For nested KVM set it explicitly to 'kvm'").
 */
export const VIRT_PROBE =
  "grep -cE 'vmx|svm' /proc/cpuinfo || true; if [ -e /dev/kvm ]; then echo dev-kvm; else echo no-dev-kvm; fi"

export function parseVirtProbe(out: string): { cpuFlags: number; devKvm: boolean; kvm: boolean } {
  const lines = out.trim().split(/\r?\n/)
  const count = Number(lines[0])
  const cpuFlags = lines.length === 2 && /^\d+$/.test(lines[0] ?? '') ? count : 0
  const devKvm = lines.length === 2 && lines[1] === 'dev-kvm'
  return { cpuFlags, devKvm, kvm: cpuFlags > 0 && devKvm }
}

/** Ask a node whether it can run KVM guests; any unexpected answer counts as no. */
export async function probeKvm(client: Client): Promise<boolean> {
  const r = await sshExec(client, VIRT_PROBE)
  return r.code === 0 && parseVirtProbe(r.stdout).kvm
}

/** Start packstack detached with the uploaded answer file; resolves with the process id of its wrapper. */
export async function startDetached(controller: Client, run: InstallRun): Promise<number> {
  const out = await remote(
    controller,
    `mkdir -p ${REMOTE_LOG_DIR} && cd /root && ` +
      `(setsid nohup sh -c 'packstack --answer-file=${REMOTE_ANSWERS} > ${run.log} 2>&1; echo $? > ${run.rcFile}' ` +
      '> /dev/null 2>&1 < /dev/null & echo $!)',
  )
  const pid = Number(out.trim())
  if (!Number.isInteger(pid)) throw new Error(`packstack did not start: ${out.trim()}`)
  return pid
}

/** Run a command and hand its stdout over as it arrives. Resolves with the exit code, or null if cut off. */
export function streamRemote(
  client: Client,
  command: string,
  onData: (chunk: Buffer) => Promise<void>,
  signal: AbortSignal,
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error)
      let queue = Promise.resolve()
      let code: number | null = null
      const onAbort = () => stream.close()
      signal.addEventListener('abort', onAbort, { once: true })
      stream.on('data', (d: Buffer) => {
        stream.pause()
        queue = queue.then(() => onData(d)).finally(() => stream.resume())
      })
      stream.stderr.resume()
      stream.on('exit', (c: number | null) => (code = typeof c === 'number' ? c : null))
      stream.on('close', () => {
        signal.removeEventListener('abort', onAbort)
        void queue.then(() => resolve(code), reject)
      })
      client.once('close', () => void queue.then(() => resolve(null), reject))
    })
  })
}
