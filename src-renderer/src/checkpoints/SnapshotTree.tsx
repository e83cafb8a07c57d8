// One VM's snapshot tree: parents above children, the current snapshot marked, those Stacklab cannot read
// marked with their error and raw XML; revert (after the confirmation), delete, and take a new one.
import { useState } from 'react'
import type { SnapshotNode } from '../../../src-shared/libvirt'
import { ResourceName } from '../../../src-shared/names'
import { RawXmlDialog } from '../components/objects'
import { stateWord } from '../components/badges'
import { formatWhen } from '../components/time'
import { useLang, useT } from '../i18n'
import { useCheckpoints } from '../state/checkpoints'
import { useStore } from '../store'
import type { Pending } from './RestoreDialog'

/** The description Stacklab gives the snapshots of a lab checkpoint. */
const CHECKPOINT_MARK = 'stacklab-checkpoint '

export function SnapshotTree({
  domain,
  nodes,
  onRevert,
}: {
  domain: string
  nodes: SnapshotNode[]
  onRevert: (pending: Pending) => void
}) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const call = useStore((s) => s.call)
  const busy = useCheckpoints((s) => s.busy)
  const [name, setName] = useState('')
  const [rawXml, setRawXml] = useState<string | null>(null)
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const roots = nodes.filter((n) => !n.parent || !byName.has(n.parent))
  const bad = name && !ResourceName.safeParse(name).success
  const take = async () => {
    await useCheckpoints.getState().createSnapshot(domain, name)
    setName('')
  }
  // Each snapshot drawn once, even where parents form a cycle (possible with `snapshot-create --redefine`).
  const drawn = new Set<string>()
  const render = (n: SnapshotNode) => {
    drawn.add(n.name)
    const children = nodes
      .filter((c) => c.parent === n.name && !drawn.has(c.name))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    return (
      <li key={n.name}>
        <div
          id={`snapshot-${domain}-${n.name}`}
          className={`snapshot${n.current ? ' current' : ''}${n.problem ? ' problem' : ''}`}
          data-current={n.current}
          data-problem={String(!!n.problem)}
        >
          <strong>{n.name}</strong>
          {n.current && <span className="badge ok">{t('cp.current')}</span>}
          {n.problem ? (
            <>
              <span className="problem-pill" title={n.problem.message}>
                ⚠ {t('obj.snapshotProblem')}
              </span>
              <span className="muted mono wrap">{n.problem.message}</span>
              <button
                id={`snapshot-${domain}-${n.name}-raw`}
                className="small"
                onClick={() => setRawXml(n.name)}
              >
                {t('obj.rawXml')}
              </button>
            </>
          ) : (
            <span className="muted">
              {formatWhen(n.createdAt, lang)} ·{' '}
              <span id={`snapshot-${domain}-${n.name}-state`} data-state={n.state}>
                {stateWord(n.state, t)}
              </span>
              {n.description.startsWith(CHECKPOINT_MARK) ? ` · ${t('cp.partOfCheckpoint')}` : ''}
            </span>
          )}
          <span className="spacer" />
          <button
            id={`snapshot-${domain}-${n.name}-revert`}
            className="small"
            disabled={busy}
            onClick={() =>
              onRevert({
                kind: 'snapshot',
                domain,
                snapshot: n,
                newer: nodes.filter((o) => o.createdAt > n.createdAt),
              })
            }
          >
            {t('cp.revert')}
          </button>
          <button
            id={`snapshot-${domain}-${n.name}-delete`}
            className="small"
            disabled={busy}
            onClick={() => void useCheckpoints.getState().deleteSnapshot(domain, n.name)}
          >
            {t('cp.delete')}
          </button>
        </div>
        {children.length > 0 && <ul className="tree">{children.map(render)}</ul>}
      </li>
    )
  }
  return (
    <div className="vm-snapshots" id={`snapshots-${domain}`}>
      <h3>{domain}</h3>
      {nodes.length === 0 ? (
        <p className="muted">{t('cp.noSnapshots')}</p>
      ) : (
        <ul className="tree">
          {roots.map(render)}
          {nodes.filter((n) => !drawn.has(n.name)).map(render)}
        </ul>
      )}
      {rawXml !== null && (
        <RawXmlDialog
          t={t}
          title={t('obj.rawXmlTitle', { name: rawXml })}
          load={() => call('snapshot.xml', { domain, name: rawXml })}
          onClose={() => setRawXml(null)}
        />
      )}
      <div className="take-row">
        <input
          id={`snapshot-${domain}-new-name`}
          placeholder={t('cp.snapshotPlaceholder')}
          value={name}
          aria-invalid={bad ? true : undefined}
          onChange={(e) => setName(e.target.value)}
        />
        <button
          id={`snapshot-${domain}-create`}
          className="small"
          disabled={busy || !name || !!bad}
          onClick={() => void take()}
        >
          {t('cp.takeSnapshot')}
        </button>
      </div>
    </div>
  )
}
