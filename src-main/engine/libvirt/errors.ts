// libvirt failures, classified once from virsh's (LC_ALL=C) messages into kinds the UI can act on.
import { EngineFailure } from '../../../src-shared/failures'
import { ExecError } from '../exec'

export type LibvirtErrorKind =
  | 'not-found'
  | 'already-exists'
  | 'permission'
  | 'invalid-state'
  | 'unreachable'
  | 'no-driver'
  | 'tool-missing'
  | 'unsupported'
  | 'host-key'
  | 'timeout'
  | 'cancelled'
  | 'other'

export class LibvirtError extends EngineFailure {
  readonly kind: LibvirtErrorKind
  readonly detail: string
  readonly argv: string[]
  constructor(kind: LibvirtErrorKind, message: string, detail: string, argv: string[]) {
    super(`libvirt.${kind}`, message, { params: { detail }, details: detail })
    this.name = 'LibvirtError'
    this.kind = kind
    this.detail = detail
    this.argv = argv
  }
}

const RULES: [RegExp, LibvirtErrorKind][] = [
  [
    /this function is not supported by the connection driver|not supported by the connection driver|unsupported configuration/i,
    'unsupported',
  ],
  [
    /Host key verification failed|SSH host key for .* was not accepted|host key (mismatch|changed|is unknown)|known_hosts/i,
    'host-key',
  ],
  [/no connection driver available|no hypervisor driver available|driver is not available/i, 'no-driver'],
  [
    /Failed to connect socket to .*(No such file or directory|Connection refused)|Cannot recv data|unable to connect to server|End of file while reading data|Broken pipe|Connection reset/i,
    'unreachable',
  ],
  [
    /Permission denied|authentication (unavailable|failed)|access denied|not authorized|polkit|read-only access/i,
    'permission',
  ],
  [/already exists|is already defined|already in use|exists already/i, 'already-exists'],
  [
    /(Domain|Network|Storage pool|Storage volume|Snapshot|Interface|Node device|Secret|Checkpoint) not found|failed to get (domain|network|pool|vol|snapshot)|no (domain|network|snapshot|storage pool|storage vol) with matching|not found: no/i,
    'not-found',
  ],
  [
    /is not running|is already active|is already running|not active|domain is not running|Requested operation is not valid|operation is not valid|Operation not supported/i,
    'invalid-state',
  ],
]

export function classifyLibvirtMessage(text: string): LibvirtErrorKind {
  for (const [pattern, kind] of RULES) if (pattern.test(text)) return kind
  return 'other'
}

/** The useful line of virsh's stderr: `error: ...` lines without the generic "failed to connect" prefix. */
export function libvirtDetail(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.replace(/^error:\s*/, ''))
  return lines.filter((l) => !/^failed to connect to the hypervisor$/i.test(l)).join(' ') || lines.join(' ')
}

export function toLibvirtError(error: unknown): LibvirtError {
  if (error instanceof LibvirtError) return error
  if (error instanceof ExecError) {
    if (error.kind === 'not-found') return new LibvirtError('tool-missing', error.message, '', error.argv)
    if (error.kind === 'timeout' || error.kind === 'cancelled')
      return new LibvirtError(error.kind, error.message, error.stderr, error.argv)
    const detail = libvirtDetail(error.stderr)
    return new LibvirtError(classifyLibvirtMessage(error.stderr), detail || error.message, detail, error.argv)
  }
  return new LibvirtError('other', (error as Error).message ?? String(error), '', [])
}
