// Which libvirt connection URIs Stacklab lets through to virsh. libvirt itself accepts URIs that start
// programs (the `ext` transport, `command=`, `netcat=`, `proxy=`) or read files of the URI's choosing, so a
// URI is parsed here into its parts and every part checked against what Stacklab supports; anything else is
// refused with a message that names the part. Pure: no Node or DOM imports (the renderer checks as you type).

export type Driver = 'qemu' | 'test'
/** How libvirt reaches the daemon: `local` is a URI without transport or host (a local unix socket). */
export type Mode = 'local' | 'unix' | 'ssh' | 'libssh' | 'tls'

export interface ConnectionParts {
  driver: Driver
  /** The transport as written after `+`, or null. */
  transport: 'unix' | 'ssh' | 'libssh' | 'tls' | null
  mode: Mode
  user: string | null
  host: string | null
  port: number | null
  path: string
  /** Query parameters, names in lower case, values as written (no percent-encoding is accepted). */
  params: Record<string, string>
}

export interface UriProblem {
  /** The part of the URI at fault: `driver`, `transport`, `user`, `host`, `port`, `path`, `query parameter "x"`. */
  part: string
  message: string
}

export type UriCheck = { ok: true; parts: ConnectionParts } | { ok: false; problem: UriProblem }

const SHAPE = 'connection URI must look like qemu:///system, qemu:///session or qemu+ssh://user@host/system'

/** Parameters whose value is a path on this machine (or, for `socket` over ssh, on the remote one). */
export const PATH_PARAMS = ['socket', 'keyfile', 'known_hosts', 'pkipath'] as const

/** Parameters libvirt documents that make it start a program, or hand it other powers: never accepted. */
const FORBIDDEN_PARAMS: Record<string, string> = {
  command: 'it makes libvirt start a program',
  netcat: 'it names the program libvirt starts on the remote host',
  proxy: 'it chooses the program libvirt starts on the remote host',
  name: 'it replaces the connection name libvirt sends to the daemon',
  authfile: 'it makes libvirt read a credentials file',
  auth: 'Stacklab does not support choosing the authentication type',
  no_sanity: 'it turns off libvirt sanity checks of the TLS certificates',
}

const SAFE_PATH = /^(\/[A-Za-z0-9._@+-]+)+$/
const ONE_OF =
  (...values: string[]) =>
  (v: string) =>
    values.includes(v) ? null : `must be one of ${values.join(', ')}`

/** What each accepted parameter may hold; null when the value is fine, else why not. */
const PARAM_VALUES: Record<string, (v: string) => string | null> = {
  socket: safePath,
  keyfile: safePath,
  known_hosts: safePath,
  pkipath: safePath,
  mode: ONE_OF('auto', 'direct', 'legacy'),
  no_verify: ONE_OF('0', '1'),
  no_tty: ONE_OF('0', '1'),
  known_hosts_verify: ONE_OF('normal', 'auto', 'ignore'),
  sshauth: (v) =>
    v.split(',').every((m) => ['agent', 'privkey', 'password', 'keyboard-interactive'].includes(m))
      ? null
      : 'must be a comma-separated list of agent, privkey, password, keyboard-interactive',
  tls_priority: (v) =>
    /^[A-Za-z0-9:+._-]{1,200}$/.test(v)
      ? null
      : 'must be a GnuTLS priority string (letters, digits, : + . _ -)',
}

/** The parameters each way of connecting understands (libvirt's docs/uri.rst, "Transport configuration"). */
const PARAMS_BY_MODE: Record<Mode, readonly string[]> = {
  local: ['socket', 'mode'],
  unix: ['socket', 'mode'],
  ssh: ['socket', 'mode', 'keyfile', 'no_verify', 'no_tty'],
  libssh: ['socket', 'mode', 'keyfile', 'known_hosts', 'known_hosts_verify', 'sshauth'],
  tls: ['no_verify', 'pkipath', 'tls_priority'],
}

const PATHS: Record<Driver, readonly string[]> = { qemu: ['/system', '/session'], test: ['/default'] }

const TRANSPORT_REFUSALS: Record<string, string> = {
  ext: 'it makes libvirt start a program named in the URI',
  tcp: 'it is neither encrypted nor authenticated; use ssh, libssh or tls',
  libssh2: 'Stacklab supports libssh and ssh',
}

function safePath(v: string): string | null {
  if (!SAFE_PATH.test(v)) return 'must be an absolute path of letters, digits and . _ @ + -'
  if (v.split('/').some((s) => s === '.' || s === '..')) return 'must not contain "." or ".." segments'
  return null
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0
  if (code === 0) return 'a NUL byte'
  if (ch === ' ') return 'a space'
  if (code < 0x20 || code === 0x7f) return `a control character (U+${code.toString(16).padStart(4, '0')})`
  if (code > 0x7e) return `a non-ASCII character (U+${code.toString(16).padStart(4, '0')})`
  return `the character "${ch}"`
}

/** Decode %XX escapes the way libvirt does (to name a disguised parameter); null when malformed. */
function percentDecode(s: string): string | null {
  if (!/^(?:[^%]|%[0-9A-Fa-f]{2})*$/.test(s)) return null
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/

/** Parse `uri` and check every part against what Stacklab supports. */
export function checkConnectionUri(uri: string): UriCheck {
  const refuse = (part: string, message: string): UriCheck => ({ ok: false, problem: { part, message } })
  for (const ch of uri) {
    // Raw characters a supported URI can hold; everything else (spaces, quotes, ;, #, $, \, non-ASCII, control
    // characters) is refused before anything else is looked at.
    if (!/^[A-Za-z0-9\-._~:/?=&%@[\]+,]$/.test(ch))
      return refuse('character', `${SHAPE}: ${describeChar(ch)} is not allowed`)
  }
  const m = uri.match(/^([A-Za-z0-9]+)(?:\+([A-Za-z0-9]+))?:\/\/([^/?]*)(\/[^?]*)?(?:\?(.*))?$/)
  if (!m) return refuse('shape', SHAPE)
  const [, driverRaw = '', transportRaw, authority = '', pathRaw = '', query] = m

  if (driverRaw !== 'qemu' && driverRaw !== 'test')
    return refuse(
      'driver',
      `connection URI: driver "${driverRaw}" is not supported: Stacklab works with qemu (and libvirt's test driver)`,
    )
  const driver: Driver = driverRaw

  let transport: ConnectionParts['transport'] = null
  if (transportRaw !== undefined) {
    if (
      transportRaw === 'unix' ||
      transportRaw === 'ssh' ||
      transportRaw === 'libssh' ||
      transportRaw === 'tls'
    )
      transport = transportRaw
    else {
      const why =
        TRANSPORT_REFUSALS[transportRaw.toLowerCase()] ?? 'Stacklab supports unix, ssh, libssh and tls'
      return refuse('transport', `connection URI: transport "${transportRaw}" is not allowed: ${why}`)
    }
  }

  if (authority.includes('%'))
    return refuse('host', 'connection URI: percent-encoding is not allowed in the user or host')
  const a = authority.match(/^(?:([^@]*)@)?(\[[^\]]*\]|[^:@]*)(?::([^:@]*))?$/)
  if (!a) return refuse('host', `connection URI: the user and host part "${authority}" is not understood`)
  const [, userRaw, hostRaw = '', portRaw] = a
  if (userRaw !== undefined && !USER.test(userRaw))
    return refuse(
      'user',
      `connection URI: user "${userRaw}" is not allowed: use letters, digits, . _ - (not starting with - or .)`,
    )
  if (hostRaw && !HOSTNAME.test(hostRaw) && !IPV6.test(hostRaw))
    return refuse('host', `connection URI: host "${hostRaw}" is not a host name or IP address`)
  let port: number | null = null
  if (portRaw !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portRaw) || Number(portRaw) < 1 || Number(portRaw) > 65535)
      return refuse('port', `connection URI: port "${portRaw}" must be a number from 1 to 65535`)
    port = Number(portRaw)
  }
  const host = hostRaw || null
  const user = userRaw ?? null

  const mode: Mode = transport ?? (host ? 'tls' : 'local')
  if (mode === 'local' || mode === 'unix') {
    if (host)
      return refuse(
        'host',
        `connection URI: the ${mode === 'unix' ? 'unix transport' : 'local connection'} does not take a host ("${host}")`,
      )
    if (user !== null)
      return refuse('user', 'connection URI: a user needs a remote host (ssh, libssh or tls)')
    if (port !== null)
      return refuse('port', 'connection URI: a port needs a remote host (ssh, libssh or tls)')
  } else if (!host) {
    return refuse('host', `connection URI: the ${mode} transport needs a host`)
  }

  if (pathRaw.includes('%'))
    return refuse('path', 'connection URI: percent-encoding is not allowed in the path')
  if (!PATHS[driver].includes(pathRaw))
    return refuse(
      'path',
      `connection URI: path "${pathRaw || '(none)'}" is not supported for the ${driver} driver: use ${PATHS[driver].join(' or ')}`,
    )

  const params: Record<string, string> = {}
  if (query) {
    for (const piece of query.split('&')) {
      const eq = piece.indexOf('=')
      const rawName = eq < 0 ? piece : piece.slice(0, eq)
      const rawValue = eq < 0 ? '' : piece.slice(eq + 1)
      if (!rawName) return refuse('query', 'connection URI: a query parameter has no name')
      const decoded = percentDecode(rawName)
      if (decoded === null)
        return refuse(
          `query parameter "${rawName}"`,
          `connection URI: query parameter "${rawName}" has a malformed %-escape`,
        )
      const name = decoded.toLowerCase()
      const part = `query parameter "${name}"`
      const written = name === rawName ? '' : ` (written "${rawName}")`
      const forbidden = Object.prototype.hasOwnProperty.call(FORBIDDEN_PARAMS, name)
        ? FORBIDDEN_PARAMS[name]
        : undefined
      if (forbidden) return refuse(part, `connection URI: ${part}${written} is not allowed: ${forbidden}`)
      if (!Object.prototype.hasOwnProperty.call(PARAM_VALUES, name))
        return refuse(part, `connection URI: ${part}${written} is not supported`)
      if (written)
        return refuse(part, `connection URI: ${part}${written} must be written plainly, in lower case`)
      if (!PARAMS_BY_MODE[mode].includes(name))
        return refuse(
          part,
          `connection URI: ${part} is not used by the ${mode === 'local' ? 'local connection' : `${mode} transport`}`,
        )
      if (Object.prototype.hasOwnProperty.call(params, name))
        return refuse(part, `connection URI: ${part} is given twice`)
      if (rawValue.includes('%'))
        return refuse(part, `connection URI: ${part}: percent-encoding is not allowed in values`)
      const bad = PARAM_VALUES[name]!(rawValue)
      if (bad) return refuse(part, `connection URI: ${part} ${bad}`)
      params[name] = rawValue
    }
  }
  return { ok: true, parts: { driver, transport, mode, user, host, port, path: pathRaw, params } }
}

/** The problem's message, or null when Stacklab accepts the URI. */
export function uriProblem(uri: string): string | null {
  const r = checkConnectionUri(uri)
  return r.ok ? null : r.problem.message
}

/** True when the connection goes over the network (ssh, libssh, tls), to this host or another. */
export function isNetworkConnection(parts: ConnectionParts): boolean {
  return parts.mode === 'ssh' || parts.mode === 'libssh' || parts.mode === 'tls'
}

/** True when the URI tells libvirt not to check the other side's host key or certificate. */
export function skipsHostCheck(parts: ConnectionParts): boolean {
  return (
    parts.params['no_verify'] === '1' || ['auto', 'ignore'].includes(parts.params['known_hosts_verify'] ?? '')
  )
}
