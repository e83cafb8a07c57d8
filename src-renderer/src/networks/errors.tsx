// Field errors of the network forms: the page's own check with the engine's schemas (in the reader's
// language where the field is known), an address outside the network's subnet, and the engine's refusals.
import { inSubnet, parseCidr, parseIpv4 } from '../../../src-shared/ipv4'
import type { ApiError } from '../../../src-shared/errors'
import type { NetworkInfo } from '../../../src-shared/libvirt'
import type { MessageKey, Translate } from '../i18n'

export type Errors = Record<string, string>
type T = Translate

/** Field errors from a zod failure or an engine refusal; `strip` drops the input's prefix (range., host.). */
export function fieldErrors(issues: { path: string; message: string }[], strip: string): Errors {
  const out: Errors = {}
  for (const i of issues) {
    const field = i.path.startsWith(strip) ? i.path.slice(strip.length) : i.path
    out[field] = out[field] ? `${out[field]}; ${i.message}` : i.message
  }
  return out
}

const INVALID: Record<string, MessageKey> = {
  start: 'networks.invalid.ip',
  end: 'networks.invalid.ip',
  ip: 'networks.invalid.ip',
  mac: 'networks.invalid.mac',
  name: 'networks.invalid.hostname',
}

/** Field errors of the page's own check (shared schema), in the reader's language where the field is known. */
export function clientErrors(issues: { path: string; message: string }[], strip: string, t: T): Errors {
  const out = fieldErrors(issues, strip)
  for (const field of Object.keys(out)) if (INVALID[field]) out[field] = t(INVALID[field])
  return out
}

/** An address of the network's own subnet (the schema checks the form; this the place). */
export function subnetIssue(net: NetworkInfo, ip: string, t: T): string | null {
  const subnet = net.subnet ? parseCidr(net.subnet) : null
  const addr = parseIpv4(ip)
  if (!subnet || addr === null) return null
  return inSubnet(subnet, addr) ? null : t('networks.outside', { ip, subnet: net.subnet ?? '' })
}

/** What the engine refused, each issue with the field it names. */
export function EngineError({ id, error, t }: { id: string; error: ApiError | null; t: T }) {
  if (!error) return null
  return (
    <div id={id} className="banner fail" role="alert">
      {error.issues?.length
        ? error.issues.map((i) => (
            <div key={i.path + i.message}>
              <strong>{t('networks.field', { field: i.path })}</strong> {i.message}
            </div>
          ))
        : error.message}
    </div>
  )
}
