// User settings: what the engine reads to decide where and how labs are built.
import { z } from 'zod'
import { uriProblem } from './uri-policy'
import { ConfirmRisks } from './trust'

/**
 * libvirt connection URIs Stacklab accepts: the qemu (or test) driver, the unix, ssh, libssh or tls transport
 * and only the query parameters that neither start programs nor go beyond what Stacklab supports
 * (uri-policy.ts). Which files a URI may name depends on who sends it: the engine checks that per caller.
 */
export const ConnectionUri = z
  .string()
  .min(1, 'connection URI is empty')
  .max(512, 'connection URI is longer than 512 characters')
  .superRefine((uri, ctx) => {
    const problem = uriProblem(uri)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

/**
 * A folder or file on this machine, written plainly: absolute, normalised, without control characters,
 * quotes or backslashes (it ends up in arguments, environment variables and files other tools parse).
 */
export const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'must be an absolute path')
  .refine(
    (p) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(p),
    'must not contain newlines or other control characters',
  )
  .refine((p) => !/['"`\\]/.test(p), 'must not contain quotes or backslashes')
  .refine(
    (p) =>
      p === '/' ||
      (!p.endsWith('/') && !p.includes('//') && !p.split('/').some((s) => s === '.' || s === '..')),
    'must be normalised: no "." or ".." segments, no "//", no trailing "/"',
  )

export const Settings = z.object({
  connectionUri: ConnectionUri,
  /** Where lab disks live. Empty: the libvirt default for the connection. */
  imagesDir: z.union([AbsolutePath, z.literal('')]),
  /**
   * Where virt-builder finds templates: a directory holding `virt-builder/repos.d/*.conf` (a local or
   * classroom mirror, see docs/offline-templates.md). Empty: virt-builder's own repositories.
   */
  templateSource: z
    .union([
      AbsolutePath.refine(
        (p) => !p.includes(':'),
        'must not contain ":" (virt-builder reads a list of folders)',
      ),
      z.literal(''),
    ])
    .default(''),
  /** Local mirrors are often unsigned; virt-builder then needs --no-check-signature. */
  templateUnsigned: z.boolean().default(false),
})
export type Settings = z.infer<typeof Settings>

export const SettingsPatch = Settings.partial().strict()
export type SettingsPatch = z.infer<typeof SettingsPatch>

/** `settings.update`'s input: a patch, and the risks the caller confirms (needed from the browser host). */
export const SettingsUpdate = z
  .object({ ...SettingsPatch.shape, confirmRisks: ConfirmRisks.optional() })
  .strict()
export type SettingsUpdate = z.infer<typeof SettingsUpdate>

export const DEFAULT_SETTINGS: Settings = {
  connectionUri: 'qemu:///system',
  imagesDir: '',
  templateSource: '',
  templateUnsigned: false,
}
