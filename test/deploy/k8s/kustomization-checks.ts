import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { applied, IMAGE, label, SECRET_TEMPLATE_FILE, type ManifestSet } from './manifest-set.js';

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
