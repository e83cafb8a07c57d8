// Host names: a lab node's name becomes its host name (`controller.example.com`) and part of its VM's name,
// so it must be one RFC 1123 label, lower case as guests use it; the lab's domain must be a DNS name. Each
// problem is said in words (which rule, and the fix), not as a pattern.
import { z } from 'zod'

/**
 * Why `name` is not a host name a guest can carry (one RFC 1123 label: letters, digits, inner hyphens, at
 * most 63; lower case, as guests and /etc/hosts use them), or null. A node's name becomes its host name
 * (`controller.example.com`), so it must be one.
 */
export function hostLabelProblem(name: string): string | null {
  if (!name) return 'must not be empty'
  if (name.length > 63) return 'must be at most 63 characters (one DNS label)'
  if (name.includes('.'))
    return 'must be one host name label, without dots: the lab\u2019s domain is added to it (controller.example.com)'
  if (name.includes('_')) return 'must not contain "_": host names are letters, digits and hyphens (RFC 1123)'
  if (!/^[A-Za-z0-9-]+$/.test(name))
    return 'may only contain letters, digits and hyphens: it becomes the node\u2019s host name (RFC 1123)'
  if (name.startsWith('-') || name.endsWith('-')) return 'must not start or end with a hyphen (RFC 1123)'
  if (/[A-Z]/.test(name))
    return `must be lower case, as guests use host names: ${name.toLowerCase()}, not ${name}`
  return null
}

/** A node name: a host name label (also safe as part of libvirt names and disk paths). */
export const HostLabel = z.string().superRefine((name, ctx) => {
  const problem = hostLabelProblem(name)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

/** A DNS domain (`example.com`): labels as above, separated by dots, at most 253 characters. */
export const DnsDomain = z.string().superRefine((domain, ctx) => {
  if (domain.length > 253) return ctx.addIssue({ code: 'custom', message: 'must be at most 253 characters' })
  for (const label of domain.split('.')) {
    const problem = hostLabelProblem(label)
    if (!problem) continue
    return ctx.addIssue({
      code: 'custom',
      message: label
        ? `must be a DNS domain like example.com; ${label}: ${problem}`
        : 'must be a DNS domain like example.com (no empty labels, no leading or trailing dot)',
    })
  }
})
