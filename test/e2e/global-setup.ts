// Starts what the browser tests drive: a real libvirtd (test driver) and `stacklab serve` pointed at it
// through its own settings file, as a user would configure it (test/harness/serve.ts). Both are stopped at
// the end. The engines the tests start read the lessons in test/fixtures/lessons-ui.
import { resolve } from 'node:path'
import { startStacklabServe } from '../harness/serve'

export default async function globalSetup(): Promise<() => Promise<void>> {
  // The Lessons page's tests read their own lessons (plain shell on a test node), not the bundled ones.
  process.env['STACKLAB_LESSONS_DIR'] ??= resolve('test/fixtures/lessons-ui')
  const serve = await startStacklabServe('e2e')
  process.env['STACKLAB_URL'] = serve.url
  process.env['STACKLAB_TEST_URI'] = serve.testUri
  process.env['STACKLAB_TEST_XDG'] = serve.xdgDir
  return () => serve.stop()
}
