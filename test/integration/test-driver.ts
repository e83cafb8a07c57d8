// What the integration tests on libvirt's test driver share: an engine pointed at the test driver's URI for
// the file's tests (made before them, closed after), virsh as the engine runs it and as a user types it,
// calls through the API and through the raw gate, and a small test domain on the `default` network.
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, inject } from 'vitest'
import type { Engine } from '../../src-main/engine/engine'
import { domainDefine } from '../../src-main/engine/libvirt/domain'
import { domainXml } from '../../src-main/engine/libvirt/domain-xml'
import { createVirsh } from '../../src-main/engine/libvirt/virsh'
import { createRun } from '../../src-main/engine/exec'
import { nullLogger } from '../../src-main/engine/log'
import { ApiError } from '../../src-shared/errors'
import type { CallName, LabApi } from '../../src-shared/api'
import { rejection, tempDir, testEngine } from '../helpers'

export function testDriverBed() {
  const { testUri } = inject('libvirt')
  let t: ReturnType<typeof tempDir> | undefined
  let engine: Engine | undefined
  beforeAll(async () => {
    t = tempDir()
    engine = testEngine(t.dir)
    await engine.call('settings.update', { connectionUri: testUri })
  })
  afterAll(async () => {
    await engine?.close()
    t?.cleanup()
  })
  const virsh = createVirsh(createRun(nullLogger), testUri)
  const bed = {
    testUri,
    virsh,
    /** virsh as a user types it, outside the engine. */
    virshCli: (...args: string[]) => execFileSync('virsh', ['-c', testUri, ...args], { encoding: 'utf8' }),
    get engine(): Engine {
      if (!engine) throw new Error('the engine is made in beforeAll')
      return engine
    },
    /** The temporary directory the engine's paths are under. */
    get dir(): string {
      if (!t) throw new Error('the directory is made in beforeAll')
      return t.dir
    },
    call: ((method, input) => bed.engine.api.call(method, input)) as LabApi['call'],
    /** A call refused by the engine's gate (through the raw gate: some inputs are malformed on purpose). */
    refused: (method: CallName, input: unknown) => rejection(bed.engine.call(method, input), ApiError),
    /** A test-driver domain with one disk and one NIC on `default`. */
    define: async (name: string, mac: string, memoryMiB = 1024) => {
      await domainDefine(
        virsh,
        domainXml({
          name,
          type: 'test',
          vcpus: 2,
          memoryMiB,
          disks: [{ path: `/guest/${name}.qcow2`, format: 'qcow2', target: 'vda' }],
          nics: [{ network: 'default', mac }],
        }),
      )
    },
  }
  return bed
}
