// Per-caller rules on top of the URI allow-list: which files a connection URI may name, and which risky
// changes a caller must confirm. The CLI (and in-process code) acts for the user; the browser host and the
// desktop window's renderer may be driven by someone else (hostile console output, a stolen token), so their
// paths must be ones Stacklab manages or the user picked in a native dialog, and browser-host callers must
// name the risks they accept.
import { ApiError } from '../../src-shared/errors'
import { RISK_TEXT, type CallOrigin, type Risk } from '../../src-shared/trust'
import { checkConnectionUri, PATH_PARAMS, type ConnectionParts } from '../../src-shared/uri-policy'

export interface PathTrust {
  origin: CallOrigin
  /** Folders Stacklab owns (config, data, state, cache): files there are Stacklab's own. */
  managedDirs: readonly string[]
  /** Files the user picked in the desktop app's native dialog (the main process records them). */
  picked: ReadonlySet<string>
  /** The connection URI in the settings now: a path it already names is not a new choice. */
  savedUri: string
  uid: number
}

const inside = (path: string, dir: string) =>
  path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`)

/** libvirt's own socket folders: connecting to a socket there is what a plain qemu:/// URI does anyway. */
function libvirtSocketDirs(uid: number): string[] {
  return ['/run/libvirt', '/var/run/libvirt', ...(uid >= 0 ? [`/run/user/${uid}/libvirt`] : [])]
}

/** The first path parameter of `parts` this caller may not name, with why; null when all are fine. */
export function untrustedPath(
  parts: ConnectionParts,
  trust: PathTrust,
): { part: string; message: string } | null {
  if (trust.origin === 'cli') return null
  const saved = checkConnectionUri(trust.savedUri)
  const savedParams = saved.ok ? saved.parts.params : {}
  for (const name of PATH_PARAMS) {
    const value = parts.params[name]
    if (value === undefined) continue
    if (savedParams[name] === value) continue
    if (trust.managedDirs.some((d) => inside(value, d))) continue
    if (trust.origin === 'desktop' && trust.picked.has(value)) continue
    if (name === 'socket' && libvirtSocketDirs(trust.uid).some((d) => inside(value, d))) continue
    const from =
      trust.origin === 'browser'
        ? 'the browser host'
        : "the desktop window (not picked in the app's file dialog)"
    return {
      part: `query parameter "${name}"`,
      message:
        `connection URI: query parameter "${name}" names ${value}, a path sent from ${from}: only files in ` +
        `Stacklab's own folders (${trust.managedDirs.join(', ')})${trust.origin === 'desktop' ? ' or picked in the file dialog' : ''} ` +
        'are accepted from there. Use the desktop app or the stacklab command line for other files.',
    }
  }
  return null
}

/** Refuse a browser-host change that carries risks the caller did not confirm by name. */
export function requireConfirmed(
  origin: CallOrigin,
  risks: readonly Risk[],
  confirmed: readonly Risk[] | undefined,
  field: (risk: Risk) => string,
): void {
  if (origin !== 'browser') return
  const missing = risks.filter((r) => !confirmed?.includes(r))
  if (!missing.length) return
  throw new ApiError({
    code: 'bad-request',
    message:
      `This change lowers trust and needs an explicit confirmation: ${missing.map((r) => `"${r}" (${RISK_TEXT[r]})`).join('; ')}. ` +
      `Send confirmRisks: [${missing.map((r) => `"${r}"`).join(', ')}] with it after the user agreed, or make it in the desktop app or with the stacklab command line.`,
    issues: missing.map((r) => ({
      path: field(r),
      message: `needs confirmation of the risk "${r}": ${RISK_TEXT[r]}`,
    })),
  })
}
