// `stacklab serve` for the browser run on the lab test bed: settings point at the bed's libvirtd (QEMU),
// its images folder and the offline template repository, as a user would set them in Settings.
import { serveWithSettings } from '../harness/serve'
import { labEnvironment } from './lab-helpers'

export default async function browserSetup(): Promise<() => Promise<void>> {
  const lab = labEnvironment()
  const served = await serveWithSettings(lab.home, {
    connectionUri: lab.uri,
    imagesDir: lab.images,
    templateSource: lab.repo,
    templateUnsigned: true,
  })
  process.env['STACKLAB_URL'] = served.url
  return () => served.stop()
}
