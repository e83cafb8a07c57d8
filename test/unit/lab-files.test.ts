// The lab files layout: every path a lab's files live at, from one function. Labs made by an earlier
// version keep working only if these paths never move, so the layout is written out here in full.
import { describe, expect, it } from 'vitest'
import { labFiles, labsRoot } from '../../src-main/engine/lab/files'
import { LabStore } from '../../src-main/engine/lab/store'

describe('lab files layout', () => {
  it('puts every file of a lab where earlier versions put it', () => {
    const f = labFiles('/data', 'demo')
    expect(labsRoot('/data')).toBe('/data/labs')
    expect({
      dir: f.dir,
      state: f.state,
      secretsDir: f.secretsDir,
      rootPassword: f.rootPassword,
      sshDir: f.sshDir,
      loginKey: f.loginKey,
      loginKeyPub: f.loginKeyPub,
      hostKeyDir: f.hostKeyDir('controller'),
      hostKeyPub: f.hostKeyPub('controller'),
      workDir: f.workDir('compute1'),
      packstackDir: f.packstackDir,
      answers: f.answers,
      runLog: f.runLog('20260101T000000-abcdef'),
    }).toEqual({
      dir: '/data/labs/demo',
      state: '/data/labs/demo/state.json',
      secretsDir: '/data/labs/demo/secrets',
      rootPassword: '/data/labs/demo/secrets/root-password',
      sshDir: '/data/labs/demo/ssh',
      loginKey: '/data/labs/demo/ssh/id_ed25519',
      loginKeyPub: '/data/labs/demo/ssh/id_ed25519.pub',
      hostKeyDir: '/data/labs/demo/ssh/host-keys/controller',
      hostKeyPub: '/data/labs/demo/ssh/host-keys/controller/ssh_host_ed25519_key.pub',
      workDir: '/data/labs/demo/work/compute1',
      packstackDir: '/data/labs/demo/packstack',
      answers: '/data/labs/demo/packstack/answers.txt',
      runLog: '/data/labs/demo/packstack/20260101T000000-abcdef.log',
    })
  })

  it('is the layout the lab store reads and writes', () => {
    const store = new LabStore('/data')
    expect(store.root).toBe(labsRoot('/data'))
    expect(store.files('demo')).toEqual(
      expect.objectContaining({ dir: '/data/labs/demo', state: '/data/labs/demo/state.json' }),
    )
    expect(store.dir('demo')).toBe(labFiles('/data', 'demo').dir)
  })
})
