// Settings: the libvirt connection and where lab disks go, validated with the engine's own schema. A change
// that lowers trust (an unsigned mirror, another template source, a remote connection) is saved only after a
// dialog that names each risk; the engine refuses such a change from the browser without that confirmation.
// "Test connection" asks libvirt at the typed URI before anything is saved (the same dialog for a remote one).
import { PageHead } from '../components/PageHead'
import { useState } from 'react'
import type { PreflightCheck } from '../../../src-shared/preflight'
import { Settings } from '../../../src-shared/settings'
import { settingsRisks, type Risk } from '../../../src-shared/trust'
import { issuesOf } from '../../../src-shared/errors'
import { useLang, useT } from '../i18n'
import { useStore } from '../store'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { StatusLine } from '../components/FailureLine'
import { saidText, shownFailure, type ShownFailure } from '../components/words'
import { CopyButton } from '../components/CopyButton'
import { call } from '../api/current'

type Tested = { uri: string; check: PreflightCheck } | { uri: string; error: ShownFailure } | null

/** The answer of "Test connection": libvirt's verdict in the reader's words, the fix, libvirt's own words. */
function TestResult({ tested }: { tested: Tested }) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  if (!tested) return null
  if ('error' in tested)
    return (
      <div id="settings-test-result" className="banner fail" data-status="refused" role="status">
        <StatusLine value={tested.error} />
      </div>
    )
  const { check } = tested
  const ok = check.status === 'ok'
  return (
    <div
      id="settings-test-result"
      className={`banner ${ok ? 'ok' : 'fail'}`}
      data-status={check.status}
      data-uri={tested.uri}
      role="status"
    >
      <strong>{ok ? t('settings.testOk') : t('settings.testFail')}</strong>{' '}
      <span id="settings-test-summary">{saidText(check.says?.summary, check.summary, lang, t)}</span>
      {check.fix && (
        <div className="fix">
          <span className="fix-label">{t('preflight.fix')}</span>
          <code id="settings-test-fix">{check.fix}</code>
          <CopyButton text={check.fix} id="settings-test-copy" />
        </div>
      )}
      {check.evidence.length > 0 && (
        <details id="settings-test-details">
          <summary>{t('reach.details')}</summary>
          <pre>
            <code lang="en">{check.evidence.join('\n')}</code>
          </pre>
        </details>
      )}
    </div>
  )
}

type FieldErrors = Partial<Record<keyof Settings, string>>

export function SettingsPage() {
  const saved = useStore((s) => s.settings)
  const [status, setStatus] = useState<string | ShownFailure>('')
  const t = useT()
  if (!saved) return <p className="muted">{t('settings.loading')}</p>
  // A new form whenever the engine's settings change, so the draft starts from them.
  return <SettingsForm key={JSON.stringify(saved)} saved={saved} status={status} setStatus={setStatus} />
}

function SettingsForm({
  saved,
  status,
  setStatus,
}: {
  saved: Settings
  status: string | ShownFailure
  setStatus: (s: string | ShownFailure) => void
}) {
  const t = useT()
  const saveSettings = useStore((s) => s.saveSettings)
  const [draft, setDraft] = useState<Settings>(saved)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [risks, setRisks] = useState<Risk[] | null>(null)
  /** The risks of the URI to test, while the dialog asks about them. */
  const [testRisks, setTestRisks] = useState<Risk[] | null>(null)
  const [tested, setTested] = useState<Tested>(null)
  const [testing, setTesting] = useState(false)

  const validate = (next: Settings): FieldErrors => {
    const result = Settings.safeParse(next)
    if (result.success) return {}
    return Object.fromEntries(issuesOf(result.error).map((i) => [i.path, i.message]))
  }
  const change = (key: keyof Settings, value: string | boolean) => {
    const next = { ...draft, [key]: value }
    setDraft(next)
    setErrors(validate(next))
    setStatus('')
    if (key === 'connectionUri') setTested(null)
  }
  const testConnection = async (confirmRisks: Risk[]) => {
    const uri = draft.connectionUri
    setTesting(true)
    setTested(null)
    try {
      const answer = await call(
        'settings.testConnection',
        confirmRisks.length ? { uri, confirmRisks } : { uri },
      )
      setTested({ uri, check: answer.check })
    } catch (error) {
      setTested({ uri, error: shownFailure(error) })
    } finally {
      setTesting(false)
    }
  }
  const startTest = () => {
    // A remote connection is tried with the user's credentials: the same risks as saving it, asked first.
    const pending = settingsRisks(saved, { connectionUri: draft.connectionUri })
    if (pending.length) setTestRisks(pending)
    else void testConnection([])
  }
  const submit = async () => {
    const found = validate(draft)
    setErrors(found)
    if (Object.keys(found).length) return
    const pending = settingsRisks(saved, draft)
    if (pending.length) setRisks(pending)
    else await save([])
  }
  const save = async (confirmRisks: Risk[]) => {
    const error = await saveSettings(draft, confirmRisks)
    if (error) {
      setErrors(Object.fromEntries((error.issues ?? []).map((i) => [i.path, i.message])))
      setStatus(shownFailure(error))
    } else setStatus(t('settings.saved'))
  }

  return (
    <section aria-labelledby="settings-heading">
      <PageHead
        id="settings-heading"
        title={t('settings.title')}
        subtitle={<p>{t('settings.subtitle')}</p>}
      />
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label htmlFor="settings-uri">{t('settings.uri')}</label>
        <input
          id="settings-uri"
          value={draft.connectionUri}
          spellCheck={false}
          aria-invalid={Boolean(errors.connectionUri)}
          aria-describedby="settings-uri-help"
          onChange={(e) => change('connectionUri', e.target.value)}
        />
        <p id="settings-uri-help" className={errors.connectionUri ? 'field-error' : 'muted'}>
          {errors.connectionUri ?? t('settings.uriHelp')}
        </p>
        <div className="form-actions">
          <button
            id="settings-test"
            type="button"
            disabled={Boolean(errors.connectionUri) || testing}
            onClick={startTest}
          >
            {testing ? t('settings.testing') : t('settings.test')}
          </button>
        </div>
        <TestResult tested={tested} />

        <label htmlFor="settings-images-dir">{t('settings.imagesDir')}</label>
        <input
          id="settings-images-dir"
          value={draft.imagesDir}
          placeholder={t('settings.imagesDirPlaceholder')}
          spellCheck={false}
          aria-invalid={Boolean(errors.imagesDir)}
          aria-describedby="settings-images-dir-help"
          onChange={(e) => change('imagesDir', e.target.value)}
        />
        <p id="settings-images-dir-help" className={errors.imagesDir ? 'field-error' : 'muted'}>
          {errors.imagesDir ?? t('settings.imagesDirHelp')}
        </p>

        <label htmlFor="settings-template-source">{t('settings.templateSource')}</label>
        <input
          id="settings-template-source"
          value={draft.templateSource}
          placeholder={t('settings.templateSourcePlaceholder')}
          spellCheck={false}
          aria-invalid={Boolean(errors.templateSource)}
          aria-describedby="settings-template-source-help"
          onChange={(e) => change('templateSource', e.target.value)}
        />
        <p id="settings-template-source-help" className={errors.templateSource ? 'field-error' : 'muted'}>
          {errors.templateSource ?? t('settings.templateSourceHelp')}
        </p>
        <label className="checkbox">
          <input
            id="settings-template-unsigned"
            type="checkbox"
            checked={draft.templateUnsigned}
            onChange={(e) => change('templateUnsigned', e.target.checked)}
          />{' '}
          {t('settings.templateUnsigned')}
        </label>

        <div className="form-actions">
          <button
            id="settings-save"
            className="primary"
            type="submit"
            disabled={Object.keys(errors).length > 0}
          >
            {t('settings.save')}
          </button>
          <span id="settings-status" role="status">
            <StatusLine value={status} />
          </span>
        </div>
      </form>
      {testRisks && (
        <ConfirmDialog
          id="settings-test-risks"
          title={t('settings.testRisksTitle')}
          confirm={t('settings.testRisksYes')}
          cancel={t('settings.risksNo')}
          onCancel={() => setTestRisks(null)}
          onConfirm={() => {
            const confirmed = testRisks
            setTestRisks(null)
            void testConnection(confirmed)
          }}
        >
          <ul>
            {testRisks.map((r) => (
              <li key={r} id={`settings-test-risk-${r}`}>
                <strong>{t(`settings.risk.${r}`)}</strong> {t(`settings.riskWhy.${r}`)}
              </li>
            ))}
          </ul>
        </ConfirmDialog>
      )}
      {risks && (
        <ConfirmDialog
          id="settings-risks"
          title={t('settings.risksTitle')}
          confirm={t('settings.risksYes')}
          cancel={t('settings.risksNo')}
          onCancel={() => {
            setRisks(null)
            setStatus(t('settings.risksCancelled'))
          }}
          onConfirm={() => {
            const confirmed = risks
            setRisks(null)
            void save(confirmed)
          }}
        >
          <p>{t('settings.risksIntro')}</p>
          <ul>
            {risks.map((r) => (
              <li key={r} id={`settings-risk-${r}`}>
                <strong>{t(`settings.risk.${r}`)}</strong> {t(`settings.riskWhy.${r}`)}
              </li>
            ))}
          </ul>
        </ConfirmDialog>
      )}
    </section>
  )
}
