// Checkpoints: for a lab's VMs (or VMs the user picks), lab checkpoints taken across all of them at once and
// each VM's own snapshot tree (parents, the current one marked). Take, restore (after a confirmation that
// says what will be lost), delete. Everything is read back from libvirt after each action.
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { LabSummary } from '../../../src-shared/lab'
import type { Checkpoint, DomainInfo, SnapshotNode } from '../../../src-shared/libvirt'
import { ResourceName } from '../../../src-shared/names'
import { currentApi } from '../api/current'
import { useLang, useT } from '../i18n'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { RawXmlDialog } from '../components/objects'
import './pages.css'

type T = ReturnType<typeof useT>
const CHECKPOINT_MARK = 'stacklab-checkpoint '
const CUSTOM = '(custom)'

type Pending =
  | { kind: 'checkpoint'; checkpoint: Checkpoint; newer: Checkpoint[] }
  | { kind: 'snapshot'; domain: string; snapshot: SnapshotNode; newer: SnapshotNode[] }

function when(iso: string, lang: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-GB')
}

export function CheckpointsPage() {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const [labs, setLabs] = useState<LabSummary[]>([])
  const [domains, setDomains] = useState<DomainInfo[]>([])
  const [scope, setScope] = useState<string>('')
  const [picked, setPicked] = useState<string[]>([])
  const [checkpoints, setCheckpoints] = useState<Checkpoint[]>([])
  const [snapshots, setSnapshots] = useState<Record<string, SnapshotNode[]>>({})
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [pending, setPending] = useState<Pending | null>(null)
  const [newName, setNewName] = useState('')
  const [newDescription, setNewDescription] = useState('')

  const members = useMemo(() => {
    if (scope === CUSTOM) return picked
    const lab = labs.find((l) => l.name === scope)
    return (lab?.nodes ?? []).map((n) => n.domain).filter((d): d is string => !!d)
  }, [scope, picked, labs])

  // Labs and VMs to choose from (again on Refresh: VMs come and go).
  const [scopeTick, setScopeTick] = useState(0)
  useEffect(() => {
    const api = currentApi()
    if (!api) return
    let live = true
    Promise.all([api.call('labs.list', {}), api.call('domains.list', {})]).then(
      ([l, d]) => {
        if (!live) return
        setLabs(l)
        setDomains(d)
        setScope((s) => s || (l.find((x) => x.nodes.some((n) => n.domain))?.name ?? CUSTOM))
      },
      (e: Error) => live && setError(e.message),
    )
    return () => {
      live = false
    }
  }, [scopeTick])

  // Checkpoints and snapshot trees of the chosen VMs, read again after every action.
  const [tick, setTick] = useState(0)
  const reload = useCallback(() => setTick((n) => n + 1), [])
  useEffect(() => {
    let live = true
    void readTrees(members, domains).then(
      ({ checkpoints: cps, snapshots: trees }) => {
        if (!live) return
        setCheckpoints(cps)
        setSnapshots(trees)
        setError('')
      },
      (e: Error) => live && setError(e.message),
    )
    return () => {
      live = false
    }
  }, [members, domains, tick])

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true)
    setError('')
    try {
      await work()
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
      reload()
    }
  }
  const api = () => currentApi()!
  const nameProblem = newName && !ResourceName.safeParse(newName).success ? t('cp.badName') : ''
  const missing = members.filter((m) => !domains.some((d) => d.name === m))

  return (
    <section aria-labelledby="cp-heading" className="page">
      <header className="page-head">
        <h1 id="cp-heading">{t('cp.title')}</h1>
        <button id="checkpoints-refresh" className="small" onClick={() => setScopeTick((n) => n + 1)}>
          {t('cp.refresh')}
        </button>
      </header>
      <p className="muted">{t('cp.intro')}</p>

      <div className="panel">
        <div className="field-row">
          <label htmlFor="checkpoints-scope">{t('cp.scope')}</label>
          <select id="checkpoints-scope" value={scope} onChange={(e) => setScope(e.target.value)}>
            {labs.map((l) => (
              <option key={l.name} value={l.name}>
                {t('cp.scopeLab', { lab: l.name })}
              </option>
            ))}
            <option value={CUSTOM}>{t('cp.scopeCustom')}</option>
          </select>
        </div>
        {scope === CUSTOM && (
          <fieldset className="domain-picks">
            <legend>{t('cp.pickVms')}</legend>
            {domains.length === 0 && <p className="muted">{t('cp.noVms')}</p>}
            {domains.map((d) => (
              <label key={d.name} className="checkbox">
                <input
                  type="checkbox"
                  id={`checkpoints-domain-${d.name}`}
                  checked={picked.includes(d.name)}
                  onChange={(e) =>
                    setPicked((p) => (e.target.checked ? [...p, d.name] : p.filter((x) => x !== d.name)))
                  }
                />
                {d.name} <span className="muted">({d.state})</span>
              </label>
            ))}
          </fieldset>
        )}
        {missing.length > 0 && (
          <p className="hint warn-text">{t('cp.missing', { vms: missing.join(', ') })}</p>
        )}
      </div>

      {error && (
        <p id="checkpoints-error" className="banner fail" role="alert">
          {error}
        </p>
      )}

      {members.length > 0 && (
        <>
          <div className="panel">
            <h2>{t('cp.take')}</h2>
            <div className="take-row">
              <input
                id="checkpoint-new-name"
                placeholder={t('cp.namePlaceholder')}
                value={newName}
                aria-invalid={nameProblem ? true : undefined}
                onChange={(e) => setNewName(e.target.value)}
              />
              <input
                id="checkpoint-new-description"
                placeholder={t('cp.descriptionPlaceholder')}
                value={newDescription}
                onChange={(e) => setNewDescription(e.target.value)}
              />
              <button
                id="checkpoint-create"
                className="primary"
                disabled={busy || !newName || !!nameProblem}
                onClick={() =>
                  void act(async () => {
                    await api().call('checkpoint.create', {
                      domains: members,
                      name: newName,
                      description: newDescription,
                    })
                    setNewName('')
                    setNewDescription('')
                  })
                }
              >
                {t('cp.takeButton', { count: members.length })}
              </button>
            </div>
            {nameProblem && <p className="field-error">{nameProblem}</p>}
            <p className="muted">{t('cp.takeHint', { vms: members.join(', ') })}</p>
          </div>

          <div className="panel">
            <h2>{t('cp.labCheckpoints')}</h2>
            {checkpoints.length === 0 ? (
              <p id="checkpoints-empty" className="muted">
                {t('cp.none')}
              </p>
            ) : (
              <ol className="checkpoints">
                {checkpoints.map((c) => (
                  <li key={c.name} id={`checkpoint-${c.name}`} className="checkpoint">
                    <div className="job-head">
                      <strong>{c.name}</strong>
                      <span className="muted">{when(c.createdAt, lang)}</span>
                      {!c.complete && <span className="badge warn">{t('cp.incomplete')}</span>}
                      <span className="spacer" />
                      <button
                        id={`checkpoint-${c.name}-restore`}
                        className="small"
                        disabled={busy || !c.complete}
                        onClick={() =>
                          setPending({
                            kind: 'checkpoint',
                            checkpoint: c,
                            newer: checkpoints.filter((o) => o.createdAt > c.createdAt),
                          })
                        }
                      >
                        {t('cp.restore')}
                      </button>
                      <button
                        id={`checkpoint-${c.name}-delete`}
                        className="small"
                        disabled={busy}
                        onClick={() =>
                          void act(() => api().call('checkpoint.delete', { domains: members, name: c.name }))
                        }
                      >
                        {t('cp.delete')}
                      </button>
                    </div>
                    {c.description && <p className="muted">{c.description}</p>}
                    <p className="muted">
                      {c.members.map((m) => t('cp.member', { vm: m.domain, state: m.state })).join(', ')}
                    </p>
                  </li>
                ))}
              </ol>
            )}
          </div>

          <div className="panel">
            <h2>{t('cp.perVm')}</h2>
            {Object.entries(snapshots).map(([domain, nodes]) => (
              <SnapshotTree
                key={domain}
                domain={domain}
                nodes={nodes}
                busy={busy}
                t={t}
                lang={lang}
                onTake={(name) => act(() => api().call('snapshot.create', { domain, name, description: '' }))}
                onRevert={(s) =>
                  setPending({
                    kind: 'snapshot',
                    domain,
                    snapshot: s,
                    newer: nodes.filter((o) => o.createdAt > s.createdAt),
                  })
                }
                onDelete={(s) => act(() => api().call('snapshot.delete', { domain, name: s.name }))}
              />
            ))}
          </div>
        </>
      )}

      {pending && (
        <ConfirmDialog
          id="confirm-restore"
          title={
            pending.kind === 'checkpoint'
              ? t('cp.confirmTitle', { name: pending.checkpoint.name })
              : t('cp.confirmSnapTitle', { name: pending.snapshot.name, vm: pending.domain })
          }
          confirm={t('cp.confirmYes')}
          cancel={t('cp.confirmNo')}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const p = pending
            setPending(null)
            void act(() =>
              p.kind === 'checkpoint'
                ? api().call('checkpoint.restore', { domains: members, name: p.checkpoint.name })
                : api().call('snapshot.revert', {
                    domain: p.domain,
                    name: p.snapshot.name,
                    state: 'as-taken',
                  }),
            )
          }}
        >
          <p id="confirm-restore-lost">
            {t('cp.confirmLost', {
              vms:
                pending.kind === 'checkpoint'
                  ? pending.checkpoint.members.map((m) => m.domain).join(', ')
                  : pending.domain,
              time: when(
                pending.kind === 'checkpoint' ? pending.checkpoint.createdAt : pending.snapshot.createdAt,
                lang,
              ),
            })}
          </p>
          <p id="confirm-restore-kept">
            {pending.newer.length
              ? t('cp.confirmNewer', { names: pending.newer.map((n) => n.name).join(', ') })
              : t('cp.confirmNoNewer')}
          </p>
        </ConfirmDialog>
      )}
    </section>
  )
}

/** The lab checkpoints over the chosen VMs that exist, and each one's snapshot tree. */
async function readTrees(
  members: string[],
  domains: DomainInfo[],
): Promise<{ checkpoints: Checkpoint[]; snapshots: Record<string, SnapshotNode[]> }> {
  const api = currentApi()
  const existing = new Set(domains.map((d) => d.name))
  const present = members.filter((m) => existing.has(m))
  if (!api || !present.length) return { checkpoints: [], snapshots: {} }
  const [cps, ...trees] = await Promise.all([
    api.call('checkpoints.list', { domains: present }),
    ...present.map((d) => api.call('snapshots.list', { name: d })),
  ])
  return {
    checkpoints: cps.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    snapshots: Object.fromEntries(present.map((d, i) => [d, trees[i]!])),
  }
}

function SnapshotTree({
  domain,
  nodes,
  busy,
  t,
  lang,
  onTake,
  onRevert,
  onDelete,
}: {
  domain: string
  nodes: SnapshotNode[]
  busy: boolean
  t: T
  lang: string
  onTake: (name: string) => Promise<void>
  onRevert: (s: SnapshotNode) => void
  onDelete: (s: SnapshotNode) => Promise<void>
}) {
  const [name, setName] = useState('')
  const [rawXml, setRawXml] = useState<string | null>(null)
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const roots = nodes.filter((n) => !n.parent || !byName.has(n.parent))
  const bad = name && !ResourceName.safeParse(name).success
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
              {when(n.createdAt, lang)} · {n.state}
              {n.description.startsWith(CHECKPOINT_MARK) ? ` · ${t('cp.partOfCheckpoint')}` : ''}
            </span>
          )}
          <span className="spacer" />
          <button
            id={`snapshot-${domain}-${n.name}-revert`}
            className="small"
            disabled={busy}
            onClick={() => onRevert(n)}
          >
            {t('cp.revert')}
          </button>
          <button
            id={`snapshot-${domain}-${n.name}-delete`}
            className="small"
            disabled={busy}
            onClick={() => void onDelete(n)}
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
          load={() => currentApi()!.call('snapshot.xml', { domain, name: rawXml })}
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
          onClick={() => void onTake(name).then(() => setName(''))}
        >
          {t('cp.takeSnapshot')}
        </button>
      </div>
    </div>
  )
}
