// User settings: what the engine reads to decide where and how labs are built.
import { z } from 'zod'

/** libvirt connection URIs Stacklab accepts: a driver, optional transport, optional user@host, a path. */
export const ConnectionUri = z
  .string()
  .min(1, 'connection URI is empty')
  .max(512, 'connection URI is longer than 512 characters')
  .regex(
    /^[a-z][a-z0-9]*(\+[a-z0-9]+)?:\/\/([A-Za-z0-9._-]+@)?[A-Za-z0-9.:_[\]-]*\/[A-Za-z0-9._/-]*(\?[A-Za-z0-9._/=&%-]*)?$/,
    'connection URI must look like qemu:///system, qemu:///session or qemu+ssh://user@host/system',
  )

export const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'must be an absolute path')
  .refine((p) => !p.includes('\0'), 'must not contain a NUL byte')

export const Settings = z.object({
  connectionUri: ConnectionUri,
  /** Where lab disks live. Empty: the libvirt default for the connection. */
  imagesDir: z.union([AbsolutePath, z.literal('')]),
  /**
   * Where virt-builder finds templates: a directory holding `virt-builder/repos.d/*.conf` (a local or
   * classroom mirror, see docs/offline-templates.md). Empty: virt-builder's own repositories.
   */
  templateSource: z.union([AbsolutePath, z.literal('')]).default(''),
  /** Local mirrors are often unsigned; virt-builder then needs --no-check-signature. */
  templateUnsigned: z.boolean().default(false),
})
export type Settings = z.infer<typeof Settings>

export const SettingsPatch = Settings.partial().strict()
export type SettingsPatch = z.infer<typeof SettingsPatch>

export const DEFAULT_SETTINGS: Settings = {
  connectionUri: 'qemu:///system',
  imagesDir: '',
  templateSource: '',
  templateUnsigned: false,
}
