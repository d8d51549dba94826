import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { quantity } from './api-server-checks.js';
import {
  applied,
  containerPort,
  label,
  SECRET_TEMPLATE_FILE,
  secretTemplate,
  type Manifest,
  type ManifestSet,
} from './manifest-set.js';
import { ROLES, roleOf, type Role, type RoleEnv } from './service-roles.js';

// Each container's environment against its service's env.ts, and the Secret template that
// fills in the rest.

/**
 * Placeholders for the Secret's values that each service's parseEnv accepts, so a pod's
 * environment can be checked without the real secrets.
 */
export const SECRET_PLACEHOLDERS: Record<string, string> = {
  REDIS_URL: 'rediss://seedsweep:placeholder-password@redis.example:6380',
  // The redis-sentinel component's keys, instead of REDIS_URL.
  REDIS_SENTINELS: 'redis.example:26379',
  REDIS_SENTINEL_MASTER: 'mymaster',
  REDIS_PASSWORD: 'placeholder-password',
  REDIS_USERNAME: 'seedsweep',
  REDIS_SENTINEL_PASSWORD: 'placeholder-sentinel-password',
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
