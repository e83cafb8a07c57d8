// The wizard's definition as YAML: export to the text box or a file, import from either (a file over the
// CLI's size limit is refused before it is read).
import { useRef, useState } from 'react'
import { MAX_LAB_FILE_BYTES, MAX_LAB_FILE_TEXT } from '../../../src-shared/user-yaml'
import type { Translate } from '../i18n'
import { useWizard } from '../state/wizard'

export function YamlPanel({ t, onChange }: { t: Translate; onChange: () => void }) {
  const w = useWizard()
  const [text, setText] = useState('')
  const [error, setError] = useState('')
  const file = useRef<HTMLInputElement>(null)
  const load = (source: string) => {
    const problem = w.fromYaml(source)
    setError(problem ? t('wizard.yaml.notYaml', { problem }) : '')
    if (!problem) onChange()
  }
  const download = () => {
    const blob = new Blob([w.toYaml()], { type: 'application/yaml' })
    const a = document.createElement('a')
    a.href = URL.createObjectURL(blob)
    a.download = `${w.draft.name || 'lab'}.yaml`
    a.click()
    URL.revokeObjectURL(a.href)
  }
  return (
    <details className="panel yaml" id="wizard-yaml-panel">
      <summary>{t('wizard.yaml.title')}</summary>
      <p className="muted">{t('wizard.yaml.intro')}</p>
      <textarea
        id="wizard-yaml"
        rows={12}
        spellCheck={false}
        value={text}
        aria-label={t('wizard.yaml.title')}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="form-actions">
        <button id="wizard-yaml-export" onClick={() => setText(w.toYaml())}>
          {t('wizard.yaml.export')}
        </button>
        <button id="wizard-yaml-import" onClick={() => load(text)} disabled={!text.trim()}>
          {t('wizard.yaml.import')}
        </button>
        <button id="wizard-yaml-save" onClick={download}>
          {t('wizard.yaml.save')}
        </button>
        <button id="wizard-yaml-open" onClick={() => file.current?.click()}>
          {t('wizard.yaml.open')}
        </button>
        <input
          ref={file}
          type="file"
          accept=".yaml,.yml,application/yaml,text/yaml"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0]
            // Too big is refused before the file is read (the CLI's limit).
            if (f && f.size > MAX_LAB_FILE_BYTES)
              setError(t('wizard.yaml.tooBig', { size: f.size, limit: MAX_LAB_FILE_TEXT }))
            else if (f)
              void f.text().then((content) => {
                setText(content)
                load(content)
              })
            e.target.value = ''
          }}
        />
      </div>
      {error && (
        <p id="wizard-yaml-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </details>
  )
}
