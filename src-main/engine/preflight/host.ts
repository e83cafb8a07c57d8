// How preflight reads the host: files under a root (so tests can use a fixture tree), PATH, the
// distribution. How a fix is phrased for it is fix.ts.
import { access, readFile, readdir, constants } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

export interface HostView {
  /** '/' on a real host; a fixture directory in unit tests. */
  root: string
  path: string
  uid: number
  user: string
}

export function rooted(host: HostView, absolute: string): string {
  return host.root === '/' ? absolute : join(host.root, absolute)
}

export async function readText(host: HostView, absolute: string): Promise<string | null> {
  try {
    return await readFile(rooted(host, absolute), 'utf8')
  } catch {
    return null
  }
}

export async function listDir(host: HostView, absolute: string): Promise<string[]> {
  try {
    return (await readdir(rooted(host, absolute))).sort()
  } catch {
    return []
  }
}

export async function canAccess(host: HostView, absolute: string, mode: number): Promise<boolean> {
  try {
    await access(rooted(host, absolute), mode)
    return true
  } catch {
    return false
  }
}

/** Find an executable on PATH without starting a process. */
export async function which(host: HostView, name: string): Promise<string | null> {
  for (const dir of host.path.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, name)
    if (await canAccess({ ...host, root: '/' }, candidate, constants.X_OK)) return candidate
  }
  return null
}

export type DistroFamily = 'debian' | 'rhel' | 'suse' | 'arch' | 'unknown'

export interface Distro {
  family: DistroFamily
  name: string
}

export async function detectDistro(host: HostView): Promise<Distro> {
  const text = (await readText(host, '/etc/os-release')) ?? ''
  const field = (key: string) =>
    (text.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1] ?? '').replace(/^["']|["']$/g, '').toLowerCase()
  const ids = `${field('ID')} ${field('ID_LIKE')}`.split(/\s+/)
  const name = field('PRETTY_NAME') || field('ID') || 'unknown'
  if (ids.some((i) => ['debian', 'ubuntu'].includes(i))) return { family: 'debian', name }
  if (ids.some((i) => ['fedora', 'rhel', 'centos', 'rocky', 'almalinux'].includes(i)))
    return { family: 'rhel', name }
  if (ids.some((i) => i.startsWith('suse') || i.startsWith('opensuse'))) return { family: 'suse', name }
  if (ids.includes('arch')) return { family: 'arch', name }
  return { family: 'unknown', name }
}
