// The desktop app's own scheme: the renderer bundle is served from app://app/ instead of file://, so the page
// has a real origin of its own (no file:// privileges, nothing else on disk reachable from it). Pure functions
// here (no Electron import) so the path rules are tested without an Electron binary.
import { isAbsolute, relative, resolve, sep } from 'node:path'

export const APP_SCHEME = 'app'
export const APP_HOST = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`

/** Registered before `ready`: a standard, secure scheme the page may fetch from (no CORS, no CSP bypass). */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const

export { contentType } from '../server/content-type'

/**
 * The file under `root` that an app:// URL names, or null when it names none: another host, a path that
 * leaves `root` (`..`, encoded or not, backslashes), malformed percent-encoding, or a NUL. `/` is the page.
 */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  if (path.includes('\0') || path.includes('\\')) return null
  if (path === '/' || path === '') path = '/index.html'
  const base = resolve(root)
  const file = resolve(base, '.' + path)
  const inside = relative(base, file)
  if (!inside || inside.startsWith('..' + sep) || inside === '..' || isAbsolute(inside)) return null
  return file
}
