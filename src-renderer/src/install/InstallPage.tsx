// Install and status: the packstack flow from answer file to success (or, for a lab on a Debian preset, the
// distribution-packages stages and the files they write), then per-node OpenStack service
// status and the Horizon link, for the lab chosen at the top. One panel per step: the answer file
// (AnswersPanel), the run (RunPanel), the status (StatusPanel); then growing the cloud (AddComputePanel).
import { useState } from 'react'
import { useT } from '../i18n'
import { PageHead } from '../components/PageHead'
import { useStore } from '../store'
import { AddComputePanel } from './AddComputePanel'
import { AnswersPanel } from './AnswersPanel'
import { StagesPanel } from './StagesPanel'
import { PRESETS, installerOf } from '../../../src-shared/lab'
import { RunPanel } from './RunPanel'
import { StatusPanel } from './StatusPanel'
import '../pages/pages.css'
import { FailureLine } from '../components/FailureLine'

export function InstallPage() {
  const t = useT()
  const labs = useStore((s) => s.labs)
  const loaded = useStore((s) => s.labsLoaded)
  const error = useStore((s) => s.labsError)
  const setPage = useStore((s) => s.setPage)
  const [lab, setLab] = useState('')
  // Until one is picked (or when the picked one is gone): the first ready lab, else the first.
  const fallback = labs.find((l) => l.status === 'ready')?.name ?? labs[0]?.name ?? ''
  if (!labs.some((l) => l.name === lab) && lab !== fallback) setLab(fallback)
  const preset = PRESETS.find((p) => p.id === labs.find((l) => l.name === lab)?.preset)
  const packages = !!preset && installerOf(preset) === 'packages'

  return (
    <section aria-labelledby="install-heading" className="install-page">
      <PageHead
        id="install-heading"
        title={t('install.title')}
        subtitle={<p>{t('install.subtitle')}</p>}
        actions={
          labs.length > 0 && (
            <div className="install-lab-pick">
              <label htmlFor="install-lab">{t('install.lab')}</label>
              <select id="install-lab" value={lab} onChange={(e) => setLab(e.target.value)}>
                {labs.map((l) => (
                  <option key={l.name} value={l.name}>
                    {l.name} ({l.status})
                  </option>
                ))}
              </select>
            </div>
          )
        }
      />
      {error && (
        <p className="field-error" role="alert">
          <FailureLine error={error} />
        </p>
      )}
      {loaded && !labs.length && !error && (
        <div id="install-empty" className="empty-state">
          <p className="muted">{t('install.noLabs')}</p>
          <button id="install-empty-new" className="primary" onClick={() => setPage('wizard')}>
            {t('empty.newLab')}
          </button>
        </div>
      )}
      {lab && (
        <>
          {packages ? (
            <StagesPanel key={`p-${lab}`} lab={lab} />
          ) : (
            <AnswersPanel key={`a-${lab}`} lab={lab} />
          )}
          <RunPanel key={`r-${lab}`} lab={lab} packages={packages} />
          <StatusPanel key={`s-${lab}`} lab={lab} />
          {/* Growing the cloud: the join is packstack's, or each install stage's part for the new node. */}
          <AddComputePanel key={`g-${lab}`} lab={lab} />
        </>
      )}
    </section>
  )
}
