// Facts about a libvirt connection URI that preflight and the engine need.
import { homedir } from 'node:os'
import { join } from 'node:path'

export interface UriInfo {
  driver: string
  transport: string | null
  host: string | null
  path: string
  remote: boolean
  session: boolean
}

export function uriInfo(uri: string): UriInfo {
  const m = uri.match(/^([a-z][a-z0-9]*)(?:\+([a-z0-9]+))?:\/\/(?:[^@/]*@)?([^/?]*)(\/[^?]*)?/)
  const driver = m?.[1] ?? ''
  const transport = m?.[2] ?? null
  const host = m?.[3] ? m[3] : null
  const path = m?.[4] ?? '/'
  const remote = host !== null && host !== 'localhost' && transport !== 'unix'
  return { driver, transport, host, path, remote, session: path.startsWith('/session') }
}

/** The images directory libvirt itself uses for this connection, when nothing is set. */
export function defaultImagesDir(uri: string, home = homedir()): string | null {
  const info = uriInfo(uri)
  if (info.remote) return null
  if (info.session) return join(home, '.local', 'share', 'libvirt', 'images')
  return '/var/lib/libvirt/images'
}

/** How to reach a remote connection's host with ssh: `ssh -p 2222 root@lab1` pieces. */
export function sshCommand(uri: string): string {
  const m = uri.match(/^[a-z0-9]+(?:\+[a-z0-9]+)?:\/\/(?:([^@/]+)@)?([^/?:]+)(?::(\d+))?/)
  const user = m?.[1]
  const host = m?.[2] ?? 'host'
  const port = m?.[3]
  return `ssh ${port ? `-p ${port} ` : ''}${user ? `${user}@` : ''}${host}`
}
