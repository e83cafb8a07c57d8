// Names of things Stacklab creates or touches (domains, networks, snapshots, checkpoints, labs): checked
// against one strict pattern before any command runs, so no name can carry shell, path or XML syntax.
import { z } from 'zod'

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
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters or newlines')
