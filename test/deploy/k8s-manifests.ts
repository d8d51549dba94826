import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret, type ISecret } from 'kubernetes-models/v1/Secret';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import {
  ScaledObject,
  type IScaledObject,
} from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import {
  TriggerAuthentication,
  type ITriggerAuthentication,
} from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const K8S_DIR = path.join(REPO_ROOT, 'docker/k8s');
export const IMAGE = 'ghcr.io/seedsweep/seedsweep';
export const SECRET_TEMPLATE_FILE = 'secret.example.yaml';

/** One YAML document of docker/k8s. */
export interface Manifest {
  file: string;
  /** 0-based index of the document in its file. */
  doc: number;
  /** Whether kustomization.yaml applies it (the Secret template is not applied). */
  applied: boolean;
  object: Record<string, unknown>;
}

export interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  [key: string]: unknown;
}

export interface ManifestSet {
  manifests: Manifest[];
  kustomization: Kustomization;
  /** Every YAML file of the directory, kustomization.yaml included. */
  files: string[];
}

/**
 * What each role's built env.ts exports: the schema (the variables it reads) and the parser
 * main.ts runs at start-up.
 */
export interface RoleEnv {
  envSchema: { shape: Record<string, unknown> };
  parseEnv(env: Record<string, string>): Record<string, unknown>;
}
export type Role = 'api' | 'worker' | 'aggregator';
export const ROLES: Role[] = ['api', 'worker', 'aggregator'];

export async function loadRoleEnvs(): Promise<Record<Role, RoleEnv>> {
  const entries = await Promise.all(
    ROLES.map(async (role) => {
      const built = path.join(REPO_ROOT, `services/${role}/dist/env.js`);
      const module = (await import(built)) as Partial<RoleEnv>;
      if (!module.envSchema?.shape || !module.parseEnv) {
        throw new Error(`${built} exports no envSchema and parseEnv: run tsc -b`);
      }
      return [role, module as RoleEnv] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Role, RoleEnv>;
}

/**
 * Reads every YAML document under `dir` as kubectl would: YAML 1.1 (`on`, `yes` are booleans
 * there, so an unquoted one in an env value is caught as a non-string), duplicate keys refused.
 */
export async function loadManifestSet(dir = K8S_DIR): Promise<ManifestSet> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const parsed = new Map<string, Record<string, unknown>[]>();
  for (const file of files) {
    const text = await readFile(path.join(dir, file), 'utf8');
    const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: true, prettyErrors: true });
    if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
    parsed.set(
      file,
      docs.map((doc, i) => {
        const trouble = [...doc.errors, ...doc.warnings];
        if (trouble.length > 0) throw new Error(`${file}#${i}: ${trouble[0]!.message}`);
        const value: unknown = doc.toJS();
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new Error(`${file}#${i}: not a mapping`);
        }
        return value as Record<string, unknown>;
      }),
    );
  }
  const kustomizationDocs = parsed.get('kustomization.yaml');
  if (kustomizationDocs?.length !== 1) throw new Error('docker/k8s needs one kustomization.yaml');
  const kustomization = kustomizationDocs[0] as Kustomization;
  const resources = new Set(kustomization.resources ?? []);
  const manifests: Manifest[] = [];
  for (const [file, docs] of parsed) {
    if (file === 'kustomization.yaml') continue;
    docs.forEach((object, doc) =>
      manifests.push({ file, doc, applied: resources.has(file), object }),
    );
  }
  return { manifests, kustomization, files };
}

// --- helpers -------------------------------------------------------------------------------

const kindOf = (m: Manifest) => String(m.object.kind);
const nameOf = (m: Manifest) =>
  String((m.object.metadata as { name?: unknown } | undefined)?.name ?? '?');
export const label = (m: Manifest) => `${m.file}#${m.doc} ${kindOf(m)}/${nameOf(m)}`;

function applied<T>(set: ManifestSet, kind: string): { m: Manifest; o: T }[] {
  return set.manifests
    .filter((m) => m.applied && kindOf(m) === kind)
    .map((m) => ({ m, o: m.object as T }));
}

function secretTemplate(set: ManifestSet): { m: Manifest; o: ISecret } | undefined {
  const m = set.manifests.find((x) => x.file === SECRET_TEMPLATE_FILE && kindOf(x) === 'Secret');
  return m && { m, o: m.object as ISecret };
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>) {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

const podLabels = (d: IDeployment) =>
  (d.spec?.template.metadata?.labels ?? {}) as Record<string, string>;

/** The role a container runs, from its command (`node services/<role>/dist/main.js`). */
export function roleOf(container: IContainer): Role | undefined {
  const line = [...(container.command ?? []), ...(container.args ?? [])].join(' ');
  return ROLES.find((role) => line.includes(`services/${role}/dist/main.js`));
}

/** A container port by number or name, as a probe or Service targetPort names it. */
function containerPort(c: IContainer, port: string | number | undefined): number | undefined {
  const found = (c.ports ?? []).find((p) =>
    typeof port === 'number' ? p.containerPort === port : p.name === port,
  );
  return found?.containerPort;
}

function probesOf(c: IContainer): [string, IProbe][] {
  return (
    [
      ['startupProbe', c.startupProbe],
      ['livenessProbe', c.livenessProbe],
      ['readinessProbe', c.readinessProbe],
    ] as [string, IProbe | undefined][]
  ).filter((p): p is [string, IProbe] => p[1] !== undefined);
}

// --- schemas -------------------------------------------------------------------------------

/** The kubernetes-models class (and its interface, for the type check) of every kind here. */
const MODEL_CLASSES = {
  'v1/Namespace': { cls: Namespace, module: 'kubernetes-models/v1/Namespace', type: 'INamespace' },
  'v1/Secret': { cls: Secret, module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  'v1/Service': { cls: Service, module: 'kubernetes-models/v1/Service', type: 'IService' },
  'apps/v1/Deployment': {
    cls: Deployment,
    module: 'kubernetes-models/apps/v1/Deployment',
    type: 'IDeployment',
  },
  'policy/v1/PodDisruptionBudget': {
    cls: PodDisruptionBudget,
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    type: 'IPodDisruptionBudget',
  },
  'keda.sh/v1alpha1/ScaledObject': {
    cls: ScaledObject,
    module: '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject',
    type: 'IScaledObject',
  },
  'keda.sh/v1alpha1/TriggerAuthentication': {
    cls: TriggerAuthentication,
    module: '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication',
    type: 'ITriggerAuthentication',
  },
} as const;

type ModelKey = keyof typeof MODEL_CLASSES;
const modelKey = (m: Manifest) => `${String(m.object.apiVersion)}/${kindOf(m)}`;
const modelOf = (m: Manifest) =>
  MODEL_CLASSES[modelKey(m) as ModelKey] as (typeof MODEL_CLASSES)[ModelKey] | undefined;

/**
 * Each document against its Kubernetes (or KEDA CRD) JSON schema, as the validators of
 * kubernetes-models and @kubernetes-models/keda compiled it: types, formats, required fields.
 */
export function schemaProblems(set: ManifestSet): string[] {
  const problems: string[] = [];
  for (const m of set.manifests) {
    const model = modelOf(m);
    if (!model) {
      problems.push(`${label(m)}: no schema for ${modelKey(m)}`);
      continue;
    }
    const meta = m.object.metadata as { name?: unknown } | undefined;
    if (typeof meta?.name !== 'string' || meta.name === '') {
      problems.push(`${label(m)}: metadata.name missing`);
    }
    try {
      new (model.cls as new (data: unknown) => { validate(): void })(m.object).validate();
    } catch (error) {
      problems.push(`${label(m)}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * Unknown fields, which the compiled validators let through but `kubectl apply` (strict field
 * validation) refuses: every document is type-checked as an object literal of its model's
 * interface, where TypeScript reports any property the interface does not have.
 */
export function unknownFieldProblems(set: ManifestSet): string[] {
  const problems: string[] = [];
  const file = path.join(REPO_ROOT, 'test/deploy/__manifests.generated.ts');
  const lines: string[] = [];
  const owners: { from: number; to: number; m: Manifest }[] = [];
  set.manifests.forEach((m, i) => {
    const model = modelOf(m);
    if (!model) return;
    lines.push(`import type { ${model.type} as T${i} } from '${model.module}';`);
  });
  set.manifests.forEach((m, i) => {
    if (!modelOf(m)) return;
    const body = `export const doc${i}: T${i} = ${JSON.stringify(m.object, null, 2)};`.split('\n');
    owners.push({ from: lines.length, to: lines.length + body.length, m });
    lines.push(...body);
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile: read } = host;
  host.getSourceFile = (name, version, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, version, true)
      : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : read.call(host, name));
  const program = ts.createProgram([file], options, host);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    // Keys are JSON strings in the generated source: '"name"' reads better as 'name'.
    const text = ts
      .flattenDiagnosticMessageText(d.messageText, ' ')
      .replace(/'"([^"']*)"'/g, "'$1'");
    if (d.file?.fileName !== file || d.start === undefined) {
      problems.push(`type check: ${text}`);
      continue;
    }
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    const owner = owners.find((o) => line >= o.from && line < o.to);
    problems.push(`${owner ? label(owner.m) : 'type check'}: ${text}`);
  }
  return problems;
}

/** A memory or CPU quantity in base units (bytes, cores): `512Mi`, `2Gi`, `250m`, `1`. */
export function quantity(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value));
  if (!match) return undefined;
  const unit: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(match[1]) * (match[2] ? unit[match[2]]! : 1);
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * What the API server checks beyond the JSON schema: names (DNS labels: a Service name is one),
 * port names (IANA service names, 15 characters at most), label values, requests within limits.
 */
export function apiServerProblems(set: ManifestSet): string[] {
  const problems: string[] = [];
  for (const m of set.manifests) {
    const meta = (m.object.metadata ?? {}) as { name?: string; labels?: Record<string, string> };
    if (!DNS_LABEL.test(meta.name ?? '')) problems.push(`${label(m)}: name is not a DNS label`);
    const spec = m.object.spec as IDeployment['spec'] | undefined;
    const labelSets = [meta.labels, spec?.template?.metadata?.labels, spec?.selector?.matchLabels];
    for (const labels of labelSets) {
      for (const [key, value] of Object.entries(labels ?? {})) {
        if (!LABEL_VALUE.test(value))
          problems.push(`${label(m)}: label ${key}=${value} is invalid`);
      }
    }
    if (kindOf(m) !== 'Deployment') continue;
    for (const c of spec?.template.spec?.containers ?? []) {
      for (const p of c.ports ?? []) {
        if (p.name !== undefined && !PORT_NAME.test(p.name)) {
          problems.push(`${label(m)}: ${c.name} port name ${p.name} is not an IANA service name`);
        }
      }
      for (const resource of ['cpu', 'memory']) {
        const request = quantity(c.resources?.requests?.[resource]);
        const limit = quantity(c.resources?.limits?.[resource]);
        if (request === undefined) problems.push(`${label(m)}: ${c.name} requests no ${resource}`);
        if (request !== undefined && limit !== undefined && request > limit) {
          problems.push(`${label(m)}: ${c.name} requests more ${resource} than its limit`);
        }
      }
    }
  }
  return problems;
}

// --- the set as a whole --------------------------------------------------------------------

/** kustomization.yaml: what it applies, the image, and nothing left out by mistake. */
export function kustomizationProblems(set: ManifestSet): string[] {
  const problems: string[] = [];
  const k = set.kustomization;
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization') {
    problems.push(
      'kustomization.yaml: apiVersion/kind is not kustomize.config.k8s.io/v1beta1 Kustomization',
    );
  }
  const known = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images']);
  for (const key of Object.keys(k)) {
    if (!known.has(key)) problems.push(`kustomization.yaml: unexpected field ${key}`);
  }
  const resources = k.resources ?? [];
  for (const r of resources) {
    if (!set.files.includes(r)) problems.push(`kustomization.yaml: resource ${r} does not exist`);
  }
  for (const file of set.files) {
    if (file === 'kustomization.yaml' || file === SECRET_TEMPLATE_FILE) continue;
    if (!resources.includes(file)) problems.push(`kustomization.yaml: ${file} is not a resource`);
  }
  if (resources.includes(SECRET_TEMPLATE_FILE)) {
    problems.push(
      `kustomization.yaml: ${SECRET_TEMPLATE_FILE} holds placeholders; it must not be applied`,
    );
  }
  if (!k.namespace) problems.push('kustomization.yaml: no namespace');
  const image = (k.images ?? []).find((i) => i.name === IMAGE);
  if (!image?.newTag && !image?.digest) {
    problems.push(`kustomization.yaml: images has no tag or digest for ${IMAGE}`);
  }
  for (const { m, o } of applied<IDeployment>(set, 'Deployment')) {
    for (const c of o.spec?.template.spec?.containers ?? []) {
      if (c.image?.split(/[:@]/)[0] !== IMAGE) {
        problems.push(`${label(m)}: container ${c.name} runs ${c.image}, not ${IMAGE}`);
      }
    }
  }
  const namespaces = applied<{ metadata: { name: string } }>(set, 'Namespace');
  if (namespaces.length > 0 && !namespaces.some((n) => n.o.metadata.name === k.namespace)) {
    problems.push(
      `kustomization.yaml: namespace ${k.namespace} is not the one namespace.yaml makes`,
    );
  }
  return problems;
}

/** Selectors, ports and names that must point at something. */
export function referenceProblems(set: ManifestSet): string[] {
  const problems: string[] = [];
  const deployments = applied<IDeployment>(set, 'Deployment');
  const deploymentOf = (selector: Record<string, string> | undefined) =>
    deployments.filter((d) => matches(selector, podLabels(d.o)));

  for (const { m, o } of deployments) {
    if (!matches(o.spec?.selector.matchLabels, podLabels(o))) {
      problems.push(`${label(m)}: selector does not match its pod labels`);
    }
    const others = deployments.filter(
      (d) => d.o !== o && matches(o.spec?.selector.matchLabels, podLabels(d.o)),
    );
    for (const d of others)
      problems.push(`${label(m)}: selector also matches the pods of ${label(d.m)}`);
    const spec = o.spec?.template.spec;
    for (const c of spec?.containers ?? []) {
      for (const [kind, probe] of probesOf(c)) {
        const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
        if (containerPort(c, port) === undefined) {
          problems.push(`${label(m)}: ${c.name} ${kind} port ${port} is not a container port`);
        }
      }
      for (const mount of c.volumeMounts ?? []) {
        if (!(spec?.volumes ?? []).some((v) => v.name === mount.name)) {
          problems.push(`${label(m)}: ${c.name} mounts volume ${mount.name}, which the pod lacks`);
        }
      }
    }
  }

  for (const { m, o } of applied<IService>(set, 'Service')) {
    const targets = deploymentOf(o.spec?.selector as Record<string, string> | undefined);
    if (targets.length !== 1) {
      problems.push(`${label(m)}: selector matches ${targets.length} Deployments, not 1`);
      continue;
    }
    const containers = targets[0]!.o.spec?.template.spec?.containers ?? [];
    for (const p of o.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      if (!containers.some((c) => containerPort(c, target) !== undefined)) {
        problems.push(
          `${label(m)}: targetPort ${target} is no container port of ${label(targets[0]!.m)}`,
        );
      }
    }
  }

  for (const { m, o } of applied<{ spec: { selector?: { matchLabels?: Record<string, string> } } }>(
    set,
    'PodDisruptionBudget',
  )) {
    const targets = deploymentOf(o.spec.selector?.matchLabels);
    if (targets.length !== 1) {
      problems.push(`${label(m)}: selector matches ${targets.length} Deployments, not 1`);
    }
  }

  // Secrets: every key a pod or KEDA reads is in the template the operator fills in.
  const template = secretTemplate(set);
  const templateKeys = new Set(
    Object.keys({ ...(template?.o.stringData ?? {}), ...(template?.o.data ?? {}) }),
  );
  const templateName = template?.o.metadata?.name;
  if (!template) problems.push(`${SECRET_TEMPLATE_FILE}: no Secret template`);
  const checkSecretRef = (where: string, name: string | undefined, key: string) => {
    if (name !== templateName)
      problems.push(`${where}: Secret ${name} is not the template's (${templateName})`);
    else if (!templateKeys.has(key))
      problems.push(`${where}: Secret key ${key} is not in ${SECRET_TEMPLATE_FILE}`);
  };
  for (const { m, o } of deployments) {
    for (const c of o.spec?.template.spec?.containers ?? []) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) checkSecretRef(`${label(m)} ${c.name} env ${e.name}`, ref.name, ref.key);
      }
      for (const from of c.envFrom ?? []) {
        if (from.secretRef)
          problems.push(`${label(m)}: envFrom a Secret hides which keys are read`);
      }
    }
  }
  const auths = applied<ITriggerAuthentication>(set, 'TriggerAuthentication');
  for (const { m, o } of auths) {
    for (const ref of o.spec.secretTargetRef ?? []) {
      checkSecretRef(`${label(m)} parameter ${ref.parameter}`, ref.name, ref.key);
    }
  }

  for (const { m, o } of applied<IScaledObject>(set, 'ScaledObject')) {
    const ref = o.spec.scaleTargetRef;
    const target = deployments.find((d) => d.o.metadata?.name === ref.name);
    if (
      (ref.kind ?? 'Deployment') !== 'Deployment' ||
      (ref.apiVersion ?? 'apps/v1') !== 'apps/v1' ||
      !target
    ) {
      problems.push(
        `${label(m)}: scaleTargetRef ${ref.kind ?? 'Deployment'}/${ref.name} is not a Deployment here`,
      );
    } else if (!target.o.spec?.template.spec?.containers.some((c) => roleOf(c) === 'worker')) {
      problems.push(`${label(m)}: scales ${ref.name}, which runs no worker`);
    } else if (target.o.spec?.replicas !== undefined) {
      problems.push(`${label(target.m)}: sets replicas, which every apply would reset under KEDA`);
    }
    for (const t of o.spec.triggers) {
      const authName = t.authenticationRef?.name;
      if (authName && !auths.some((a) => a.o.metadata?.name === authName)) {
        problems.push(
          `${label(m)}: trigger ${t.name} uses TriggerAuthentication ${authName}, which is not here`,
        );
      }
    }
  }
  return problems;
}

/**
 * Placeholders for the Secret's values that each service's parseEnv accepts, so a pod's
 * environment can be checked without the real secrets.
 */
export const SECRET_PLACEHOLDERS: Record<string, string> = {
  REDIS_URL: 'rediss://seedsweep:placeholder-password@redis.example:6380',
  API_KEYS: `write:${'w'.repeat(32)},read:${'m'.repeat(32)}`,
  METRICS_API_KEY: 'm'.repeat(32),
};

/** Variables Node.js itself reads, allowed though no env.ts names them (a private CA, say). */
const NODE_RUNTIME_ENV = new Set(['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']);

export interface ContainerEnv {
  m: Manifest;
  deployment: IDeployment;
  container: IContainer;
  role: Role;
  /** Literal values, secret references replaced by placeholders. */
  env: Record<string, string>;
  parsed: Record<string, unknown>;
}

/**
 * Every variable a container sets is one its role's env.ts reads, and the whole environment
 * passes that role's parseEnv, as at start-up.
 */
export function envProblems(
  set: ManifestSet,
  roles: Record<Role, RoleEnv>,
): { problems: string[]; containers: ContainerEnv[] } {
  const problems: string[] = [];
  const containers: ContainerEnv[] = [];
  for (const { m, o } of applied<IDeployment>(set, 'Deployment')) {
    for (const c of o.spec?.template.spec?.containers ?? []) {
      const where = `${label(m)} ${c.name}`;
      const role = roleOf(c);
      if (!role) {
        problems.push(`${where}: command runs no services/<role>/dist/main.js`);
        continue;
      }
      const read = new Set(Object.keys(roles[role].envSchema.shape));
      const env: Record<string, string> = {};
      for (const e of c.env ?? []) {
        if (e.name in env) problems.push(`${where}: ${e.name} set twice`);
        if (!read.has(e.name) && !NODE_RUNTIME_ENV.has(e.name)) {
          problems.push(
            `${where}: ${e.name} is not read by the ${role} (services/${role}/src/env.ts)`,
          );
        }
        const secret = e.valueFrom?.secretKeyRef;
        if (secret) {
          const placeholder = SECRET_PLACEHOLDERS[secret.key];
          if (placeholder === undefined)
            problems.push(`${where}: no placeholder for Secret key ${secret.key}`);
          else env[e.name] = placeholder;
        } else if (e.valueFrom) {
          problems.push(`${where}: ${e.name} comes from neither a value nor a Secret`);
        } else if (typeof e.value !== 'string') {
          problems.push(`${where}: ${e.name} is not a string`);
        } else {
          env[e.name] = e.value;
        }
      }
      try {
        const parsed = roles[role].parseEnv(env);
        containers.push({ m, deployment: o, container: c, role, env, parsed });
      } catch (error) {
        problems.push(`${where}: the ${role} refuses its environment: ${(error as Error).message}`);
      }
    }
  }
  return { problems, containers };
}

/** What the parsed environments must agree with in the manifests: ports, CPU, grace, prefix. */
export function roleProblems(set: ManifestSet, containers: ContainerEnv[]): string[] {
  const problems: string[] = [];
  const prefixes = new Set(containers.map((c) => c.parsed.prefix));
  if (prefixes.size > 1)
    problems.push(`services use different SEEDSWEEP_PREFIX: ${[...prefixes].join(', ')}`);
  for (const role of ROLES) {
    if (!containers.some((c) => c.role === role)) problems.push(`no Deployment runs the ${role}`);
  }
  for (const { m, deployment, container: c, role, parsed } of containers) {
    const where = `${label(m)} ${c.name}`;
    const spec = deployment.spec?.template.spec as IPodSpec;
    const listen =
      role === 'api' ? (parsed.port as number) : (parsed.health as { port: number } | null)?.port;
    if (listen === undefined) {
      problems.push(`${where}: HEALTH_PORT unset, so nothing answers the probes`);
    }
    if (role === 'api' && !['0.0.0.0', '::'].includes(parsed.host as string)) {
      problems.push(
        `${where}: HOST ${String(parsed.host)} is not reachable from the kubelet or the Service`,
      );
    }
    for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
      const probe = c[kind];
      const want = kind === 'readinessProbe' ? '/readyz' : '/healthz';
      if (!probe?.httpGet) {
        problems.push(`${where}: no ${kind} over HTTP`);
        continue;
      }
      if (probe.httpGet.path !== want)
        problems.push(`${where}: ${kind} asks ${probe.httpGet.path}, not ${want}`);
      if (containerPort(c, probe.httpGet.port) !== listen) {
        problems.push(
          `${where}: ${kind} port ${probe.httpGet.port} is not where the ${role} listens (${listen})`,
        );
      }
    }
    if (role === 'worker') {
      const concurrency = parsed.concurrency as number;
      const requests = quantity(c.resources?.requests?.cpu);
      const limits = quantity(c.resources?.limits?.cpu);
      if (requests !== concurrency || limits !== concurrency) {
        problems.push(
          `${where}: cpu requests ${requests} / limits ${limits}, not WORKER_CONCURRENCY ${concurrency} (one CPU per trial)`,
        );
      }
      const grace = (parsed.graceMs as number) / 1000;
      const termination = spec.terminationGracePeriodSeconds ?? 30;
      if (!(termination > grace)) {
        problems.push(
          `${where}: terminationGracePeriodSeconds ${termination} is not above WORKER_GRACE_SECONDS ${grace}: trials would be killed mid-way`,
        );
      }
      if (!(c.env ?? []).some((e) => e.name === 'SEEDSWEEP_CACHE_DIR')) {
        problems.push(
          `${where}: SEEDSWEEP_CACHE_DIR unset (the default is under a read-only HOME)`,
        );
      }
      if (!onWritableVolume(c, parsed.cacheRoot as string)) {
        problems.push(`${where}: the cache ${String(parsed.cacheRoot)} is on no mounted volume`);
      }
      for (const { m: so, o } of applied<IScaledObject>(set, 'ScaledObject')) {
        if (o.spec.scaleTargetRef.name !== deployment.metadata?.name) continue;
        const target = Number(o.spec.advanced?.scalingModifiers?.target);
        if (target !== concurrency) {
          problems.push(
            `${label(so)}: target ${o.spec.advanced?.scalingModifiers?.target} is not WORKER_CONCURRENCY ${concurrency} (trials per pod)`,
          );
        }
      }
    }
  }
  return problems;
}

function onWritableVolume(c: IContainer, dir: string): boolean {
  return (c.volumeMounts ?? []).some(
    (v) =>
      !v.readOnly && (dir === v.mountPath || dir.startsWith(`${v.mountPath.replace(/\/$/, '')}/`)),
  );
}

/**
 * The "restricted" Pod Security Standard and more: non-root uid 10001, no privilege
 * escalation, no capabilities, RuntimeDefault seccomp, a read-only root with /tmp writable, no
 * service account token.
 */
export function securityProblems(set: ManifestSet): string[] {
  const problems: string[] = [];
  for (const { m, o } of applied<IDeployment>(set, 'Deployment')) {
    const spec = o.spec?.template.spec;
    if (!spec) continue;
    const pod = spec.securityContext ?? {};
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC)
      problems.push(`${label(m)}: shares a host namespace`);
    if (spec.automountServiceAccountToken !== false) {
      problems.push(`${label(m)}: mounts a service account token it never uses`);
    }
    for (const v of spec.volumes ?? []) {
      if (v.hostPath) problems.push(`${label(m)}: hostPath volume ${v.name}`);
    }
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const where = `${label(m)} ${c.name}`;
      const own = c.securityContext ?? {};
      const runAsNonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
      const runAsUser = own.runAsUser ?? pod.runAsUser;
      const seccomp = own.seccompProfile?.type ?? pod.seccompProfile?.type;
      if (runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
      if (runAsUser !== 10001) problems.push(`${where}: runAsUser ${runAsUser}, not 10001`);
      if (seccomp !== 'RuntimeDefault')
        problems.push(`${where}: seccompProfile ${seccomp}, not RuntimeDefault`);
      if (own.allowPrivilegeEscalation !== false)
        problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (own.privileged) problems.push(`${where}: privileged`);
      if (own.readOnlyRootFilesystem !== true)
        problems.push(`${where}: readOnlyRootFilesystem is not true`);
      if (!own.capabilities?.drop?.includes('ALL'))
        problems.push(`${where}: capabilities do not drop ALL`);
      if ((own.capabilities?.add ?? []).length > 0) problems.push(`${where}: adds capabilities`);
      const tmp = (c.volumeMounts ?? []).find((v) => v.mountPath === '/tmp');
      const tmpVolume = spec.volumes?.find((v) => v.name === tmp?.name);
      if (!tmp || tmp.readOnly || !tmpVolume?.emptyDir) {
        problems.push(`${where}: no writable emptyDir on /tmp under a read-only root`);
      }
    }
  }
  return problems;
}

/** The Secret template: the metrics key is one of the API's keys, and it is never applied. */
export function secretTemplateProblems(set: ManifestSet, roles: Record<Role, RoleEnv>): string[] {
  const problems: string[] = [];
  const template = secretTemplate(set);
  if (!template) return [`${SECRET_TEMPLATE_FILE}: no Secret`];
  const values = template.o.stringData ?? {};
  const keys = (values.API_KEYS ?? '').split(',').map((k) => k.trim());
  if (values.METRICS_API_KEY !== undefined && !keys.includes(`read:${values.METRICS_API_KEY}`)) {
    problems.push(`${label(template.m)}: METRICS_API_KEY is not a read: key of API_KEYS`);
  }
  const placeholderKeys = SECRET_PLACEHOLDERS.API_KEYS!.split(',');
  if (!placeholderKeys.includes(`read:${SECRET_PLACEHOLDERS.METRICS_API_KEY}`)) {
    problems.push('SECRET_PLACEHOLDERS: METRICS_API_KEY is not a read: key of API_KEYS');
  }
  // Applied unedited, the template must not give a running API with known keys.
  try {
    roles.api.parseEnv({ ...values, HOST: '0.0.0.0' } as Record<string, string>);
    problems.push(`${label(template.m)}: the API accepts the template's placeholder keys`);
  } catch {
    // refused, as it should be
  }
  return problems;
}

/** The BullMQ states whose jobs need a worker: pending (waiting, prioritized, delayed) and running. */
export const PENDING_AND_ACTIVE = ['waiting', 'prioritized', 'delayed', 'active'];

/** A metrics-api `valueLocation` in the Prometheus format: `name{label="value",...}`. */
export function parseSelector(
  selector: string,
): { metric: string; labels: Record<string, string> } | undefined {
  const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?$/.exec(selector);
  if (!match) return undefined;
  const labels: Record<string, string> = {};
  for (const part of (match[2] ?? '').split(',').filter((p) => p.trim() !== '')) {
    const pair = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!pair) return undefined;
    labels[pair[1]!] = pair[2]!;
  }
  return { metric: match[1]!, labels };
}

/**
 * The value a metrics-api trigger (format: prometheus) reads from a /metrics body: the first
 * series of the named metric whose labels include the selector's.
 */
export function prometheusValue(body: string, selector: string): number | undefined {
  const wanted = parseSelector(selector);
  if (!wanted) return undefined;
  for (const line of body.split('\n')) {
    const series = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!series || series[1] !== wanted.metric) continue;
    const labels = parseSelector(`${series[1]}${series[2] ?? ''}`)?.labels ?? {};
    if (Object.entries(wanted.labels).every(([k, v]) => labels[k] === v)) return Number(series[3]);
  }
  return undefined;
}

/** The trigger names a scalingModifiers formula adds up, or undefined if it is not a plain sum. */
export function sumTerms(formula: string): string[] | undefined {
  const terms = formula.split('+').map((t) => t.trim());
  return terms.every((t) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) ? terms : undefined;
}

/**
 * The worker's ScaledObject: it counts every job that needs a worker and nothing else, from the
 * API's /metrics through its Service, with a key from the Secret.
 */
export function kedaProblems(set: ManifestSet): string[] {
  const problems: string[] = [];
  const objects = applied<IScaledObject>(set, 'ScaledObject');
  if (objects.length !== 1) return [`${objects.length} ScaledObjects, not 1 (the workers')`];
  const { m, o } = objects[0]!;
  const where = label(m);
  const spec = o.spec;
  const modifiers = spec.advanced?.scalingModifiers;
  const terms = modifiers?.formula ? sumTerms(modifiers.formula) : undefined;
  if (!terms) {
    problems.push(
      `${where}: scalingModifiers.formula is not a sum of triggers (KEDA would take their max)`,
    );
  }
  if ((modifiers?.metricType ?? 'AverageValue') !== 'AverageValue') {
    problems.push(
      `${where}: scalingModifiers.metricType is not AverageValue (replicas = sum / target)`,
    );
  }
  const names = spec.triggers.map((t) => t.name ?? '');
  if (terms && [...terms].sort().join() !== [...names].sort().join()) {
    problems.push(
      `${where}: the formula adds ${terms.join(', ')} but the triggers are ${names.join(', ')}`,
    );
  }
  const states: string[] = [];
  const services = applied<IService>(set, 'Service');
  const apiPods = applied<IDeployment>(set, 'Deployment').filter((d) =>
    d.o.spec?.template.spec?.containers.some((c) => roleOf(c) === 'api'),
  );
  const auths = applied<ITriggerAuthentication>(set, 'TriggerAuthentication');
  for (const t of spec.triggers) {
    const at = `${where} trigger ${t.name}`;
    const md = t.metadata as Record<string, string>;
    if (t.type !== 'metrics-api' || md.format !== 'prometheus') {
      problems.push(`${at}: not a metrics-api trigger in the prometheus format`);
      continue;
    }
    const selector = parseSelector(md.valueLocation ?? '');
    if (selector?.metric !== 'seedsweep_jobs' || !selector.labels.state) {
      problems.push(
        `${at}: valueLocation ${md.valueLocation} is no seedsweep_jobs{state="..."} series`,
      );
    } else {
      states.push(selector.labels.state);
    }
    let url: URL | undefined;
    try {
      url = new URL(md.url ?? '');
    } catch {
      problems.push(`${at}: url ${md.url} is not a URL`);
    }
    if (url) {
      const [service, namespace, svc] = url.hostname.split('.');
      const target = services.find((s) => s.o.metadata?.name === service);
      const port = target?.o.spec?.ports?.find((p) => p.port === Number(url.port || 80));
      if (namespace !== set.kustomization.namespace || svc !== 'svc') {
        problems.push(`${at}: ${url.hostname} is not <service>.${set.kustomization.namespace}.svc`);
      } else if (!target || !port) {
        problems.push(`${at}: no Service ${service} with port ${url.port || 80}`);
      } else if (
        !apiPods.some((d) =>
          matches(target.o.spec?.selector as Record<string, string>, podLabels(d.o)),
        )
      ) {
        problems.push(`${at}: Service ${service} does not lead to the API`);
      }
      if (url.pathname !== '/metrics') problems.push(`${at}: asks ${url.pathname}, not /metrics`);
    }
    const auth = auths.find((a) => a.o.metadata?.name === t.authenticationRef?.name);
    if (
      md.authMode !== 'bearer' ||
      !auth?.o.spec.secretTargetRef?.some((r) => r.parameter === 'token')
    ) {
      problems.push(`${at}: sends no API key (authMode bearer with a token from the Secret)`);
    }
  }
  if ([...states].sort().join() !== [...PENDING_AND_ACTIVE].sort().join()) {
    problems.push(
      `${where}: counts jobs ${states.join(', ')}; the workers are needed for exactly ${PENDING_AND_ACTIVE.join(', ')}`,
    );
  }
  const min = spec.minReplicaCount ?? 0;
  if (min > 1) problems.push(`${where}: minReplicaCount ${min} (0 or 1)`);
  if (spec.maxReplicaCount === undefined || spec.maxReplicaCount < Math.max(min, 1)) {
    problems.push(
      `${where}: maxReplicaCount ${spec.maxReplicaCount} below minReplicaCount or unset`,
    );
  }
  if (spec.cooldownPeriod === undefined) problems.push(`${where}: no cooldownPeriod`);
  const scaleDown = spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown;
  if (!scaleDown?.stabilizationWindowSeconds)
    problems.push(`${where}: no scale-down stabilization window`);
  return problems;
}

/** Every check but the schemas and unknown fields (which take a TypeScript program). */
export function setProblems(set: ManifestSet, roles: Record<Role, RoleEnv>): string[] {
  const env = envProblems(set, roles);
  return [
    ...apiServerProblems(set),
    ...kustomizationProblems(set),
    ...referenceProblems(set),
    ...env.problems,
    ...roleProblems(set, env.containers),
    ...securityProblems(set),
    ...kedaProblems(set),
    ...secretTemplateProblems(set, roles),
  ];
}
