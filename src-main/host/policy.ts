// What the desktop window's page may do beyond the web's defaults: its Content-Security-Policy (no WebSocket
// at all: the desktop reaches the engine over IPC) and the one permission it is given (writing the
// clipboard, for copy in the consoles). Pure, so it is tested without an Electron binary.
import { APP_ORIGIN } from './app-scheme'

export function desktopCsp(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // xterm.js (the consoles) adds <style> elements for its theme and cell sizes at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * Whether the page may use `permission`: clipboard writes (copy, and a guest's OSC 52 copy) and notifications
 * (a job that ended), only from the app's own origin (or the dev server's in development). Reading the
 * clipboard, media, geolocation and the rest are refused, both when asked for and when checked.
 */
export function permissionAllowed(
  permission: string,
  origin: string | undefined,
  devOrigin?: string,
): boolean {
  if (!origin) return false
  let from: string
  try {
    // Not URL.origin: for a scheme unknown to Node (app:) that is "null".
    const url = new URL(origin)
    from = `${url.protocol}//${url.host}`
  } catch {
    return false
  }
  const ours = from === APP_ORIGIN || (devOrigin !== undefined && from === devOrigin)
  return ours && (permission === 'clipboard-sanitized-write' || permission === 'notifications')
}
