// Facts about a libvirt connection URI that the engine needs (which driver, this machine or another, the
// per-user session or the system instance, how to reach its host with ssh), read from the parts that
// src-shared/uri-policy.ts parses: one parser for connection URIs, not a second regex here.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { checkConnectionUri, type ConnectionParts, type Driver } from '../../../src-shared/uri-policy'

export interface UriInfo {
  /** null for a URI Stacklab refuses (virsh is never run on one; see virsh.ts). */
  driver: Driver | null
  transport: ConnectionParts['transport']
  user: string | null
  /** The host without its port; an IPv6 address as written, in brackets. */
  host: string | null
  port: number | null
  path: string
  /** Guests, disks and memory are on another machine: nothing on this one may be read or removed for them. */
  remote: boolean
  session: boolean
}

export function uriInfo(uri: string): UriInfo {
  const checked = checkConnectionUri(uri)
  if (!checked.ok) {
    // Not a connection Stacklab makes. Counted as remote, so nothing on this machine is touched on its behalf.
    return {
      driver: null,
      transport: null,
      user: null,
      host: null,
      port: null,
      path: '',
      remote: true,
      session: false,
    }
  }
  const { driver, transport, user, host, port, path } = checked.parts
  return {
    driver,
    transport,
    user,
    host,
    port,
    path,
    remote: host !== null && host !== 'localhost',
    session: path === '/session',
  }
}

/** The images directory libvirt itself uses for this connection, when nothing is set. */
export function defaultImagesDir(uri: string, home = homedir()): string | null {
  const info = uriInfo(uri)
  if (info.remote) return null
  if (info.session) return join(home, '.local', 'share', 'libvirt', 'images')
  return '/var/lib/libvirt/images'
}

/** The connection's host as ssh takes it (an IPv6 address without its brackets), or null. */
export function sshHost(uri: string): string | null {
  const host = uriInfo(uri).host
  return host?.replace(/^\[(.*)\]$/, '$1') ?? null
}

/** How to reach a remote connection's host with ssh: `ssh -p 2222 root@lab1` pieces. */
export function sshCommand(uri: string): string {
  const { user, port } = uriInfo(uri)
  return `ssh ${port ? `-p ${port} ` : ''}${user ? `${user}@` : ''}${sshHost(uri) ?? 'host'}`
}
