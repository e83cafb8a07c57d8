// What Stacklab knows about packstack, as data the engine, the CLI and the UI share: the report read from
// packstack's console output (steps, failure, log files, hints with fixes), the answer-file fields Stacklab
// edits (key names checked against packstack's plugins), and the problems an answer file has against a lab.
import { z } from 'zod'

/** A step's state as packstack prints it ("[ DONE ]", "[ ERROR ]"), or running while it is still at work. */
export const PackstackStepStatus = z.enum(['done', 'error', 'running', 'skipped'])
export type PackstackStepStatus = z.infer<typeof PackstackStepStatus>

export const PackstackStep = z.object({
  /** The title packstack printed, e.g. "Preparing Nova API entries" or "192.168.122.100_controller.pp". */
  title: z.string(),
  /** `manifest`: one Puppet manifest applied on one host; `step`: any other step of the run. */
  kind: z.enum(['step', 'manifest']),
  status: PackstackStepStatus,
  /** The host a manifest is applied on (the part of its name before the first `_`). */
  host: z.string().nullable(),
  manifest: z.string().nullable(),
})
export type PackstackStep = z.infer<typeof PackstackStep>

export const PackstackHint = z.object({
  id: z.string(),
  severity: z.enum(['error', 'warn', 'info']),
  /** What the output means, for a person. */
  message: z.string(),
  /** What to do about it: a command or an instruction. */
  fix: z.string(),
  /** The line of the output that matched. */
  evidence: z.string(),
})
export type PackstackHint = z.infer<typeof PackstackHint>

export const PackstackReport = z.object({
  /** success: the closing banner was printed; failed: packstack reported an error; incomplete: neither (yet). */
  outcome: z.enum(['success', 'failed', 'incomplete']),
  steps: z.array(PackstackStep),
  failure: z
    .object({
      /** The failed step's title, e.g. "Applying Puppet manifests". */
      step: z.string().nullable(),
      /** The failed manifest, e.g. "192.168.122.100_controller.pp". */
      manifest: z.string().nullable(),
      host: z.string().nullable(),
      /** The first line of packstack's `ERROR : ...` message. */
      message: z.string().nullable(),
    })
    .nullable(),
  /** The lines of the error packstack printed (colours removed), the `ERROR :` line first. */
  errorLines: z.array(z.string()),
  /** openstack-setup.log of the run ("The installation log file is available at", "Please check log file"). */
  logFile: z.string().nullable(),
  /** Manifest logs packstack names ("You will find full trace in log ..."). */
  manifestLogs: z.array(z.string()),
  manifestsDir: z.string().nullable(),
  /** An answer file packstack wrote for this run ("A new answerfile was created in: ..."). */
  answerFile: z.string().nullable(),
  /** The bullets under "Additional information:", continuation lines joined. */
  additionalInfo: z.array(z.string()),
  horizonUrl: z.string().nullable(),
  /** Manifests packstack was still waiting for when the output ended ("Testing if puppet apply is finished"). */
  waitingFor: z.array(z.string()),
  /** Password prompts seen in the output (ssh asked for a root password). */
  prompts: z.array(z.string()),
  hints: z.array(PackstackHint),
})
export type PackstackReport = z.infer<typeof PackstackReport>

// ---------------------------------------------------------------- answer file

/**
 * Answer-file keys Stacklab edits. Names as packstack's plugins define them (CONF_NAME in
 * plugins/prescript_000.py, keystone_100.py, nova_300.py, neutron_350.py, provision_700.py).
 */
export const ANSWER_KEYS = {
  adminPassword: 'CONFIG_KEYSTONE_ADMIN_PW',
  defaultPassword: 'CONFIG_DEFAULT_PASSWORD',
  provisionDemo: 'CONFIG_PROVISION_DEMO',
  controllerHost: 'CONFIG_CONTROLLER_HOST',
  computeHosts: 'CONFIG_COMPUTE_HOSTS',
  networkHosts: 'CONFIG_NETWORK_HOSTS',
  ntpServers: 'CONFIG_NTP_SERVERS',
  l2Agent: 'CONFIG_NEUTRON_L2_AGENT',
  ovsBridgeMappings: 'CONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS',
  ovsBridgeIfaces: 'CONFIG_NEUTRON_OVS_BRIDGE_IFACES',
  ovsBridgesCompute: 'CONFIG_NEUTRON_OVS_BRIDGES_COMPUTE',
  ovnBridgeMappings: 'CONFIG_NEUTRON_OVN_BRIDGE_MAPPINGS',
  ovnBridgeIfaces: 'CONFIG_NEUTRON_OVN_BRIDGE_IFACES',
  ovnBridgesCompute: 'CONFIG_NEUTRON_OVN_BRIDGES_COMPUTE',
  ovsExternalPhysnet: 'CONFIG_NEUTRON_OVS_EXTERNAL_PHYSNET',
  ovnExternalPhysnet: 'CONFIG_NEUTRON_OVN_EXTERNAL_PHYSNET',
  ml2TypeDrivers: 'CONFIG_NEUTRON_ML2_TYPE_DRIVERS',
  ml2TenantNetworkTypes: 'CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES',
  ml2MechanismDrivers: 'CONFIG_NEUTRON_ML2_MECHANISM_DRIVERS',
  /** Default `%{::default_hypervisor}`: a puppet fact that is qemu on a virtual machine, kvm otherwise. */
  novaVirtType: 'CONFIG_NOVA_LIBVIRT_VIRT_TYPE',
  useSubnets: 'CONFIG_USE_SUBNETS',
} as const

/** Services packstack installs on y/n (CONFIG_<NAME>_INSTALL in plugins/prescript_000.py). */
export const INSTALL_KEYS = {
  mariadb: 'CONFIG_MARIADB_INSTALL',
  glance: 'CONFIG_GLANCE_INSTALL',
  cinder: 'CONFIG_CINDER_INSTALL',
  manila: 'CONFIG_MANILA_INSTALL',
  nova: 'CONFIG_NOVA_INSTALL',
  neutron: 'CONFIG_NEUTRON_INSTALL',
  horizon: 'CONFIG_HORIZON_INSTALL',
  swift: 'CONFIG_SWIFT_INSTALL',
  ceilometer: 'CONFIG_CEILOMETER_INSTALL',
  aodh: 'CONFIG_AODH_INSTALL',
  heat: 'CONFIG_HEAT_INSTALL',
  magnum: 'CONFIG_MAGNUM_INSTALL',
  trove: 'CONFIG_TROVE_INSTALL',
  ironic: 'CONFIG_IRONIC_INSTALL',
  sahara: 'CONFIG_SAHARA_INSTALL',
  client: 'CONFIG_CLIENT_INSTALL',
} as const
export type InstallService = keyof typeof INSTALL_KEYS

/**
 * The values packstack's documentation (docs/packstack.rst, "Neutron ML2 plugin config") lists for the ML2
 * keys; anything else is refused before it reaches the answer file.
 */
export const ML2_CHOICES = {
  ml2TypeDrivers: ['local', 'flat', 'vlan', 'gre', 'vxlan', 'geneve'],
  ml2TenantNetworkTypes: ['local', 'vlan', 'gre', 'vxlan', 'geneve'],
  ml2MechanismDrivers: [
    'logger',
    'test',
    'linuxbridge',
    'openvswitch',
    'arista',
    'mlnx',
    'l2population',
    'sriovnicswitch',
    'ovn',
  ],
} as const

/** packstack's own default for the Nova virt type: a puppet fact (qemu inside a VM, kvm on bare metal). */
export const DEFAULT_HYPERVISOR = '%{::default_hypervisor}'
/** The value `packstack --gen-answer-file` writes for a password it will generate or take from the default. */
export const PW_PLACEHOLDER = 'PW_PLACEHOLDER'

const BridgePair = z.object({ bridge: z.string(), iface: z.string() })
const BridgeMapping = z.object({ physnet: z.string(), bridge: z.string() })

export const AnswerFields = z
  .object({
    adminPassword: z.string(),
    defaultPassword: z.string(),
    provisionDemo: z.boolean(),
    controllerHost: z.string(),
    computeHosts: z.array(z.string()),
    networkHosts: z.array(z.string()),
    ntpServers: z.array(z.string()),
    l2Agent: z.string(),
    ovsBridgeMappings: z.array(BridgeMapping),
    ovsBridgeIfaces: z.array(BridgePair),
    ovsBridgesCompute: z.array(z.string()),
    ovnBridgeMappings: z.array(BridgeMapping),
    ovnBridgeIfaces: z.array(BridgePair),
    ovnBridgesCompute: z.array(z.string()),
    ovsExternalPhysnet: z.string(),
    ovnExternalPhysnet: z.string(),
    ml2TypeDrivers: z.array(z.string()),
    ml2TenantNetworkTypes: z.array(z.string()),
    ml2MechanismDrivers: z.array(z.string()),
    /** kvm, qemu, or packstack's default `%{::default_hypervisor}`. */
    novaVirtType: z.string(),
    useSubnets: z.boolean(),
    install: z
      .object(
        Object.fromEntries(Object.keys(INSTALL_KEYS).map((k) => [k, z.boolean().optional()])) as Record<
          InstallService,
          z.ZodOptional<z.ZodBoolean>
        >,
      )
      .strict(),
  })
  .partial()
  .strict()
export type AnswerFields = z.infer<typeof AnswerFields>

export const AnswerProblem = z.object({
  severity: z.enum(['error', 'warn']),
  /** The answer-file key the problem is about, e.g. CONFIG_COMPUTE_HOSTS. */
  key: z.string(),
  message: z.string(),
})
export type AnswerProblem = z.infer<typeof AnswerProblem>
