// The wizard's base-image choice in a real browser against the real engine: the preset's template, or a
// cloud image (the distribution's published one in one click, or any URL or path with its SHA-256 or
// checksum file), each bad input named next to its field as the user types, AlmaLinux 9 only from its cloud
// image, the plan naming the cloud base and the YAML carrying `image:`. English and Korean.
import { expect, test } from '@playwright/test'
import { url } from './engine'

const CENTOS =
  'https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2'
const ALMA =
  'https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2'

test('a cloud image as the base: chosen, checked as you type, and in the plan and the YAML', async ({
  page,
}) => {
  await page.goto(url())
  await page.click('#nav-wizard')
  await page.click('#wizard-reset')
  const kind = page.locator('#wizard-base-kind')
  await expect(kind).toHaveValue('template')
  await expect(kind.locator('option:checked')).toHaveText(
    'the preset’s virt-builder template (centosstream-9)',
  )
  await expect(page.locator('#wizard-image-url')).toHaveCount(0)

  // The cloud image CentOS publishes, with its checksum file, in one choice.
  await kind.selectOption('cloud')
  await expect(page.locator('#wizard-image-url')).toHaveValue(CENTOS)
  await expect(page.locator('#wizard-image-checksum')).toHaveValue(`${CENTOS}.SHA256SUM`)
  await expect(page.locator('#wizard-base [data-fact="cloud-image"]')).toContainText(
    'Stacklab downloads it once (an interrupted download resumes), checks its SHA-256',
  )
  await expect(page.locator('#wizard-plan-base')).toContainText(
    'base image from the cloud image CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2',
  )
  await expect(page.locator('#wizard-create')).toBeEnabled()

  // Bad input, each problem on its field, and no create.
  await page.fill('#wizard-image-sha256', 'abc')
  await expect(page.locator('#wizard-error-image-sha256')).toContainText(
    'must be a SHA-256: 64 hexadecimal digits',
  )
  await expect(page.locator('#wizard-error-image-checksumUrl')).toContainText(
    'give sha256 or checksumUrl, not both',
  )
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await page.fill('#wizard-image-checksum', '')
  await page.fill('#wizard-image-sha256', '')
  await expect(page.locator('#wizard-error-image-sha256')).toContainText('an image is never used unverified')
  await page.fill('#wizard-image-sha256', 'AB'.repeat(32))
  await page.fill('#wizard-image-url', 'file:///etc/shadow')
  await expect(page.locator('#wizard-error-image-url')).toContainText('file: is not supported')
  await page.fill('#wizard-image-url', 'images/my.qcow2')
  await expect(page.locator('#wizard-error-image-url')).toContainText(
    'or an absolute path of a file on this machine',
  )
  await page.fill('#wizard-image-url', '/var/lib/images/my.qcow2')
  await expect(page.locator('#wizard-error-image-url')).toHaveCount(0)
  await expect(page.locator('#wizard-create')).toBeEnabled()
  await expect(page.locator('#wizard-plan-base')).toContainText('the cloud image my.qcow2')

  // The YAML the CLI reads carries it.
  await page.locator('#wizard-yaml-panel summary').click()
  await page.click('#wizard-yaml-export')
  await expect(page.locator('#wizard-yaml')).toHaveValue(
    new RegExp(`image:\\n  url: /var/lib/images/my.qcow2\\n  sha256: ${'AB'.repeat(32)}\\n`),
  )

  // Back to the template: no image in the definition.
  await kind.selectOption('template')
  await expect(page.locator('#wizard-image-url')).toHaveCount(0)
  await expect(page.locator('#wizard-plan-base')).toContainText('base image of centosstream-9')
})

test('AlmaLinux 9 comes only from its cloud image, said in English and Korean', async ({ page }) => {
  await page.goto(url())
  await page.click('#nav-wizard')
  await page.click('#wizard-reset')
  await page.selectOption('#wizard-preset', 'almalinux-9')
  const kind = page.locator('#wizard-base-kind')
  await expect(kind).toHaveValue('cloud')
  await expect(kind.locator('option[value="template"]')).toBeDisabled()
  await expect(page.locator('#wizard-image-url')).toHaveValue(ALMA)
  await expect(page.locator('#wizard-image-checksum')).toHaveValue(
    'https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM',
  )
  await expect(page.locator('#wizard-preset-facts li[data-fact="alma9-cloud"]')).toContainText(
    'security updates until 2032-05-31',
  )
  // Another preset: AlmaLinux's image is not carried over to CentOS.
  await page.selectOption('#wizard-preset', 'centos-stream-9')
  await expect(kind).toHaveValue('template')

  await page.selectOption('#wizard-preset', 'almalinux-9')
  await page.locator('#lang-select').selectOption('ko')
  await expect(page.locator('#wizard-base label[for="wizard-base-kind"]')).toHaveText('베이스 이미지')
  await expect(page.locator('#wizard-base [data-fact="cloud-image"]')).toContainText('cloud-init을 끕니다')
  await expect(page.locator('#wizard-preset-facts li[data-fact="alma9-cloud"]')).toContainText(
    '2032-05-31까지',
  )
  await page.locator('#lang-select').selectOption('en')
})
