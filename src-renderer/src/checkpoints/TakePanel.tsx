// Taking a lab checkpoint: a name (checked as the engine checks names) and a description, over every VM of
// the scope at once.
import { useState } from 'react'
import { ResourceName } from '../../../src-shared/names'
import { FieldError } from '../components/FieldError'
import { usePlural, useT } from '../i18n'
import { useCheckpoints } from '../state/checkpoints'

export function TakePanel({ members }: { members: string[] }) {
  const t = useT()
  const n = usePlural()
  const busy = useCheckpoints((s) => s.busy)
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const nameProblem = name && !ResourceName.safeParse(name).success ? t('cp.badName') : ''
  const take = async () => {
    if (await useCheckpoints.getState().createCheckpoint(name, description)) {
      setName('')
      setDescription('')
    }
  }
  return (
    <div className="panel">
      <h2>{t('cp.take')}</h2>
      <div className="take-row">
        <input
          id="checkpoint-new-name"
          placeholder={t('cp.namePlaceholder')}
          value={name}
          aria-invalid={nameProblem ? true : undefined}
          onChange={(e) => setName(e.target.value)}
        />
        <input
          id="checkpoint-new-description"
          placeholder={t('cp.descriptionPlaceholder')}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <button
          id="checkpoint-create"
          className="primary"
          disabled={busy || !name || !!nameProblem}
          onClick={() => void take()}
        >
          {n('cp.takeButton', members.length)}
        </button>
      </div>
      <FieldError text={nameProblem} />
      <p className="muted">{t('cp.takeHint', { vms: members.join(', ') })}</p>
    </div>
  )
}
