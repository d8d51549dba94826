import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { parseAllDocuments } from 'yaml';

// docker/k8s read as kubectl would, and the lookups every check makes in it.

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
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

// --- lookups -------------------------------------------------------------------------------

export const kindOf = (m: Manifest) => String(m.object.kind);
const nameOf = (m: Manifest) =>
  String((m.object.metadata as { name?: unknown } | undefined)?.name ?? '?');
export const label = (m: Manifest) => `${m.file}#${m.doc} ${kindOf(m)}/${nameOf(m)}`;

/** The documents of one kind that kustomization.yaml applies. */
export function applied<T>(set: ManifestSet, kind: string): { m: Manifest; o: T }[] {
  return set.manifests
    .filter((m) => m.applied && kindOf(m) === kind)
    .map((m) => ({ m, o: m.object as T }));
}

export function secretTemplate(set: ManifestSet): { m: Manifest; o: ISecret } | undefined {
  const m = set.manifests.find((x) => x.file === SECRET_TEMPLATE_FILE && kindOf(x) === 'Secret');
  return m && { m, o: m.object as ISecret };
}

export function matches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
) {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

export const podLabels = (d: IDeployment) =>
  (d.spec?.template.metadata?.labels ?? {}) as Record<string, string>;

/** A container port by number or name, as a probe or Service targetPort names it. */
export function containerPort(
  c: IContainer,
  port: string | number | undefined,
): number | undefined {
  const found = (c.ports ?? []).find((p) =>
    typeof port === 'number' ? p.containerPort === port : p.name === port,
  );
  return found?.containerPort;
}

export function probesOf(c: IContainer): [string, IProbe][] {
  return (
    [
      ['startupProbe', c.startupProbe],
      ['livenessProbe', c.livenessProbe],
      ['readinessProbe', c.readinessProbe],
    ] as [string, IProbe | undefined][]
  ).filter((p): p is [string, IProbe] => p[1] !== undefined);
}
