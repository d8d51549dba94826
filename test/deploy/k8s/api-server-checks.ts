import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { kindOf, label, type ManifestSet } from './manifest-set.js';

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
