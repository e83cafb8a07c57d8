// The connection itself: what `virsh version` says (shown as evidence by preflight, and as a number where a
// feature depends on the release) and which domain types libvirt offers for x86_64 guests (`virsh
// capabilities`): whether KVM is there at all.
import type { RunOptions } from '../exec'
import type { Virsh } from './virsh'
import { attr, child, many, parseXml } from './xml'

/** `virsh version`, one line each; a LibvirtError (its kind says why) when libvirt cannot be reached. */
export async function connectionVersion(virsh: Virsh, options: RunOptions = {}): Promise<string[]> {
  return (await virsh(['version'], options))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
}

/** Domain types offered for x86_64 hvm guests (`kvm`, `qemu`, `test`), from `virsh capabilities`. */
export async function connectionDomainTypes(virsh: Virsh): Promise<string[]> {
  return domainTypesOf(await virsh(['capabilities']))
}

/** Domain types offered for x86_64 hvm guests in `virsh capabilities` XML. */
export function domainTypesOf(capabilitiesXml: string): string[] {
  const doc = parseXml(capabilitiesXml)
  const types = new Set<string>()
  for (const guest of many(child(child(doc, 'capabilities'), 'guest'))) {
    for (const arch of many(child(guest, 'arch'))) {
      if (attr(arch, 'name') !== 'x86_64') continue
      for (const domain of many(child(arch, 'domain'))) {
        const type = attr(domain, 'type')
        if (type) types.add(type)
      }
    }
  }
  return [...types].sort()
}

/** Read once per connection URI. */
const versionCache = new Map<string, number>()

/** libvirt's version as a number (9.7.0 → 9007000), from `virsh version`. */
export async function libvirtVersion(virsh: Virsh): Promise<number> {
  const cached = versionCache.get(virsh.uri)
  if (cached !== undefined) return cached
  const out = await virsh(['version'])
  const m = /Using library: libvirt (\d+)\.(\d+)\.(\d+)/.exec(out)
  const v = m ? Number(m[1]) * 1_000_000 + Number(m[2]) * 1000 + Number(m[3]) : 0
  versionCache.set(virsh.uri, v)
  return v
}
