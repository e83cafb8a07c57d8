// What the engine will make for the wizard's definition (networks, VMs, disks, base images), named the way
// the engine names it.
import {
  BASE_IMAGE_DIR,
  PRESETS,
  baseImageName,
  nodeDataDiskFile,
  nodeDiskFile,
  nodeDomainName,
} from '../../../src-shared/lab'
import { cloudBaseName, fileNameOf } from '../../../src-shared/cloud-image'
import type { Translate } from '../i18n'
import type { Draft } from '../state/wizard'

/** What the engine will make for this definition, named the way the engine names it. */
export function Plan({
  draft,
  valid,
  imagesDir,
  t,
}: {
  draft: Draft
  valid: boolean
  imagesDir: string
  t: Translate
}) {
  const preset = PRESETS.find((p) => p.id === draft.preset)
  const dir = imagesDir || t('wizard.plan.imagesDefault')
  const total = draft.nodes.reduce(
    (s, n) => ({
      vcpus: s.vcpus + n.vcpus,
      mem: s.mem + n.memoryMiB,
      disk: s.disk + n.diskGiB + (n.dataDiskGiB ?? 0),
    }),
    { vcpus: 0, mem: 0, disk: 0 },
  )
  return (
    <div id="wizard-plan" className="panel plan" data-valid={valid}>
      <h2>{t('wizard.plan.title')}</h2>
      {!valid ? (
        <p className="muted">{t('wizard.plan.invalid')}</p>
      ) : (
        <>
          <h3>{t('wizard.plan.networks')}</h3>
          <ul>
            {draft.networks.map((n) => (
              <li key={n.name} id={`wizard-plan-network-${n.name}`}>
                <code>{n.name}</code>{' '}
                {n.mode === 'nat'
                  ? t('wizard.plan.natNetwork', { subnet: n.subnet })
                  : t('wizard.plan.newNetwork', { subnet: n.subnet })}
              </li>
            ))}
          </ul>
          <h3>{t('wizard.plan.vms')}</h3>
          <ul>
            {draft.nodes.map((n) => {
              const domain = nodeDomainName(draft.name, n.name)
              return (
                <li key={n.name} id={`wizard-plan-domain-${domain}`}>
                  <code>{domain}</code>{' '}
                  {t('wizard.plan.vm', {
                    role: t(`wizard.role.${n.role}`),
                    vcpus: n.vcpus,
                    memory: n.memoryMiB,
                    addresses: n.nics.map((c) => `${c.ip} (${c.network})`).join(', '),
                  })}
                  <div className="muted" id={`wizard-plan-disk-${n.name}`}>
                    {t('wizard.plan.disk', { size: n.diskGiB })}{' '}
                    <code>{nodeDiskFile(dir, draft.name, n.name)}</code>
                  </div>
                  {n.dataDiskGiB ? (
                    <div className="muted" id={`wizard-plan-data-disk-${n.name}`}>
                      {t('wizard.plan.dataDisk', { size: n.dataDiskGiB })}{' '}
                      <code>{nodeDataDiskFile(dir, draft.name, n.name)}</code>
                    </div>
                  ) : null}
                </li>
              )
            })}
          </ul>
          <h3>{t('wizard.plan.shared')}</h3>
          <ul>
            {/* One base per template, whatever the nodes' disk sizes: each overlay grows its root. */}
            {draft.image ? (
              <li id="wizard-plan-base">
                {t('wizard.plan.cloudBase', { name: fileNameOf(draft.image.url) })}{' '}
                <code>{`${dir}/${BASE_IMAGE_DIR}/${cloudBaseName('<sha256>')}`}</code>
              </li>
            ) : (
              preset?.template && (
                <li id="wizard-plan-base">
                  {t('wizard.plan.base', { template: preset.template })}{' '}
                  <code>{`${dir}/${BASE_IMAGE_DIR}/${baseImageName(preset.template)}`}</code>
                </li>
              )
            )}
            <li>{t('wizard.plan.checkpoint')}</li>
          </ul>
          <p id="wizard-plan-total" className="muted">
            {t('wizard.plan.total', { vcpus: total.vcpus, memory: total.mem, disk: total.disk })}
          </p>
        </>
      )}
    </div>
  )
}
