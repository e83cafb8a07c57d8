// Starts a test libvirtd and holds it until killed: used to prove that a killed test run leaves nothing
// behind once the next run cleans up (test/integration/harness-cleanup.test.ts).
import { startTestLibvirtd } from './libvirtd'

const daemon = await startTestLibvirtd('hold')
process.stdout.write(JSON.stringify({ name: daemon.name, dir: daemon.dir }) + '\n')
setInterval(() => undefined, 60_000)
