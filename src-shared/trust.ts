// Who is calling the engine, and which changes lower trust. A browser-host caller (or a renderer taken over
// by hostile console output) must name each risk it accepts; the desktop app and the CLI act for the user.
import { z } from 'zod'
import { checkConnectionUri, isNetworkConnection, skipsHostCheck, type ConnectionParts } from './uri-policy'
import type { Settings } from './settings'

/** Where a call came from: the browser host's WebSocket, the desktop window's IPC, or in-process (CLI). */
export const CallOrigin = z.enum(['browser', 'desktop', 'cli'])
export type CallOrigin = z.infer<typeof CallOrigin>

export interface Caller {
  origin: CallOrigin
}

/** Changes that lower trust; a browser-host caller confirms each one by name in `confirmRisks`. */
export const Risk = z.enum(['unsigned-templates', 'template-source', 'remote-connection', 'no-host-check'])
export type Risk = z.infer<typeof Risk>

export const ConfirmRisks = z.array(Risk).max(Risk.options.length)

/** What each risk means, in the engine's error messages (the UI has its own English and Korean text). */
export const RISK_TEXT: Record<Risk, string> = {
  'unsigned-templates':
    'virt-builder will install templates without checking their signature, so whoever controls the mirror decides what runs in your labs',
  'template-source': 'labs will be built from the templates in this folder, whatever they contain',
  'remote-connection':
    'Stacklab will connect to a libvirt daemon over the network and manage it with your credentials',
  'no-host-check': "the connection will not check the other machine's host key or certificate",
}

/** The risks a connection URI carries (empty for a local one or one that does not parse). */
export function uriRisks(parts: ConnectionParts): Risk[] {
  const risks: Risk[] = []
  if (isNetworkConnection(parts)) risks.push('remote-connection')
  if (skipsHostCheck(parts)) risks.push('no-host-check')
  return risks
}

/** The risks of changing `current` by `patch`: only what gets less safe counts, not what stays. */
export function settingsRisks(
  current: Settings,
  patch: { [K in keyof Settings]?: Settings[K] | undefined },
): Risk[] {
  const risks = new Set<Risk>()
  if (patch.templateUnsigned === true && !current.templateUnsigned) risks.add('unsigned-templates')
  if (patch.templateSource && patch.templateSource !== current.templateSource) risks.add('template-source')
  if (patch.connectionUri !== undefined && patch.connectionUri !== current.connectionUri) {
    const check = checkConnectionUri(patch.connectionUri)
    if (check.ok) uriRisks(check.parts).forEach((r) => risks.add(r))
  }
  return Risk.options.filter((r) => risks.has(r))
}
