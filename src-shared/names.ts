// Names of things Stacklab creates (domains, networks, snapshots, checkpoints, labs): checked against one
// strict pattern before any command runs, so no name can carry shell, path or XML syntax. Names of existing
// libvirt objects that Stacklab refers to (made by anyone) are any name libvirt accepts: RefName.
import { z } from 'zod'
import { hasControl } from './text'

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/

export const ResourceName = z
  .string()
  .regex(
    NAME_PATTERN,
    'must be 1-63 characters: letters, digits, and . _ - (starting with a letter or digit), no spaces, slashes or quotes',
  )
  .refine((n) => !n.includes('..'), 'must not contain ".."')

/** Free text that ends up in XML attributes or descriptions: printable, bounded, no control characters. */
export const Description = z
  .string()
  .max(1000, 'must be at most 1000 characters')
  .refine((s) => !hasControl(s), 'must not contain control characters or newlines')

/**
 * The longest name Stacklab refers to. libvirt's stateful drivers keep a domain or network name under 255
 * bytes (it becomes a file name); the test driver takes longer ones, which Stacklab shows but cannot act on.
 */
export const REF_NAME_MAX = 1024

/**
 * A name of a libvirt object that already exists, whoever made it: any name libvirt accepts (quotes,
 * backslashes, spaces, `--leading-dashes`, Unicode...). Bounded, never empty, never NUL. Safe because
 * Stacklab passes it as one argument after an option (`--domain NAME`) and quotes it for virsh's own parser;
 * what Stacklab creates keeps the strict ResourceName.
 */
export const RefName = z
  .string()
  .min(1, 'must not be empty')
  .max(REF_NAME_MAX, `must be at most ${REF_NAME_MAX} characters`)
  .refine((n) => !n.includes('\u0000'), 'must not contain NUL')
