// The lab's base image in the wizard: the preset's virt-builder template, or a cloud image (a URL or an
// absolute path, with its SHA-256 or the checksum file published beside it). A preset whose distribution
// publishes a cloud image offers it in one click; a preset with no template (AlmaLinux 9) has only this.
import { PRESETS } from '../../../src-shared/lab'
import { FACTS } from '../../../src-shared/lifecycle'
import { useT } from '../i18n'
import { useWizard, type FieldIssues } from '../state/wizard'
import { Problems } from './problems'

export function BaseImage({ issues, edit }: { issues: FieldIssues; edit: (fn: () => void) => void }) {
  const t = useT()
  const w = useWizard()
  const draft = w.draft
  const preset = PRESETS.find((p) => p.id === draft.preset)
  const image = draft.image
  const invalid = (at: string) => (issues[at]?.length ? true : undefined)
  const published = preset?.cloudImage
  const set = (patch: Partial<NonNullable<typeof image>>) =>
    edit(() => w.setImage({ url: '', ...image, ...patch }))
  const fact = FACTS['cloud-image']
  return (
    <div className="field-row" id="wizard-base">
      <label htmlFor="wizard-base-kind">{t('wizard.base')}</label>
      <select
        id="wizard-base-kind"
        value={image ? 'cloud' : 'template'}
        aria-invalid={invalid('image')}
        onChange={(e) =>
          edit(() =>
            w.setImage(
              e.target.value === 'cloud'
                ? published
                  ? { url: published.url, checksumUrl: published.checksumUrl }
                  : { url: '' }
                : undefined,
            ),
          )
        }
      >
        <option value="template" disabled={!preset?.template}>
          {preset?.template
            ? t('wizard.base.template', { template: preset.template })
            : t('wizard.base.noTemplate')}
        </option>
        <option value="cloud">{t('wizard.base.cloud')}</option>
      </select>
      <Problems issues={issues} at="image" />
      {image && (
        <>
          <p className="hint" data-fact="cloud-image">
            {t('lifecycle.cloud-image', { date: fact.date })}
          </p>
          {published && (
            <p className="hint">
              <button
                id="wizard-image-published"
                className="small"
                disabled={image.url === published.url && image.checksumUrl === published.checksumUrl}
                onClick={() =>
                  edit(() => w.setImage({ url: published.url, checksumUrl: published.checksumUrl }))
                }
              >
                {t('wizard.base.published', { label: published.label })}
              </button>
            </p>
          )}
          <label htmlFor="wizard-image-url">{t('wizard.base.url')}</label>
          <input
            id="wizard-image-url"
            value={image.url}
            placeholder="https://…/image.qcow2"
            aria-invalid={invalid('image-url')}
            onChange={(e) => set({ url: e.target.value.trim() })}
          />
          <Problems issues={issues} at="image-url" />
          <label htmlFor="wizard-image-sha256">{t('wizard.base.sha256')}</label>
          <input
            id="wizard-image-sha256"
            value={image.sha256 ?? ''}
            aria-invalid={invalid('image-sha256')}
            onChange={(e) => set({ sha256: e.target.value.trim() })}
          />
          <Problems issues={issues} at="image-sha256" />
          <label htmlFor="wizard-image-checksum">{t('wizard.base.checksumUrl')}</label>
          <input
            id="wizard-image-checksum"
            value={image.checksumUrl ?? ''}
            aria-invalid={invalid('image-checksumUrl')}
            onChange={(e) => set({ checksumUrl: e.target.value.trim() })}
          />
          <Problems issues={issues} at="image-checksumUrl" />
        </>
      )}
    </div>
  )
}
