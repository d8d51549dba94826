import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import ts from 'typescript';
import { kindOf, label, REPO_ROOT, type Manifest, type ManifestSet } from './manifest-set.js';

// Each document against its Kubernetes or KEDA schema, and against its model's interface.

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
