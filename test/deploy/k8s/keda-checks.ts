import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { applied, label, matches, podLabels, type ManifestSet } from './manifest-set.js';
import { roleOf } from './service-roles.js';

// The worker ScaledObject, and the Prometheus text it reads from the API's /metrics.

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
