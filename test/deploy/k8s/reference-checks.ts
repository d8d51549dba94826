import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import {
  applied,
  containerPort,
  label,
  matches,
  podLabels,
  probesOf,
  SECRET_TEMPLATE_FILE,
  secretTemplate,
  type ManifestSet,
} from './manifest-set.js';
import { roleOf } from './service-roles.js';

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
