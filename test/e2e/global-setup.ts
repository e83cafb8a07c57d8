// Starts what the browser tests drive: a real libvirtd (test driver) and `stacklab serve` pointed at it
// through its own settings file, as a user would configure it (test/harness/serve.ts). Both are stopped at
// the end.
import { startStacklabServe } from '../harness/serve'

export default async function globalSetup(): Promise<() => Promise<void>> {
  const serve = await startStacklabServe('e2e')
  process.env['STACKLAB_URL'] = serve.url
  process.env['STACKLAB_TEST_URI'] = serve.testUri
  process.env['STACKLAB_TEST_XDG'] = serve.xdgDir
  return () => serve.stop()
}
