import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiServerProblems } from './k8s/api-server-checks.js';
import { envProblems, roleProblems, secretTemplateProblems } from './k8s/env-checks.js';
import { kedaProblems } from './k8s/keda-checks.js';
import { kustomizationProblems } from './k8s/kustomization-checks.js';
import {
  K8S_DIR,
  label,
  loadManifestSet,
  type Manifest,
  type ManifestSet,
} from './k8s/manifest-set.js';
import { referenceProblems } from './k8s/reference-checks.js';
import { schemaProblems, unknownFieldProblems } from './k8s/schema-checks.js';
import { securityProblems } from './k8s/security-context-checks.js';
import { loadRoleEnvs, type Role, type RoleEnv } from './k8s/service-roles.js';
import { setProblems } from './k8s/set-problems.js';

// The manifests can only be checked statically here (no cluster): against the Kubernetes and
// KEDA schemas, against each other, and against what the built services read at start-up.

let set: ManifestSet;
let roles: Record<Role, RoleEnv>;

beforeAll(async () => {
  set = await loadManifestSet();
  roles = await loadRoleEnvs();
});

/* eslint-disable @typescript-eslint/no-explicit-any -- reaching into parsed YAML */
function find(s: ManifestSet, kind: string, name: string): any {
  const m = s.manifests.find(
    (x) => x.object.kind === kind && (x.object.metadata as { name: string }).name === name,
  );
  if (!m) throw new Error(`no ${kind}/${name}`);
  return m.object;
}
const container = (s: ManifestSet, deployment: string): any =>
  find(s, 'Deployment', deployment).spec.template.spec.containers[0];
const envVar = (s: ManifestSet, deployment: string, name: string): any =>
  container(s, deployment).env.find((e: { name: string }) => e.name === name);

/** A copy of the set with one document changed. */
function broken(change: (s: ManifestSet) => void): ManifestSet {
  const copy = structuredClone(set);
  change(copy);
  return copy;
}

describe('docker/k8s', () => {
  it('holds the namespace, the three services, their budgets, the autoscaler and the Secret template', () => {
    const kinds = set.manifests.map(
      (m: Manifest) => `${m.applied ? '' : '(not applied) '}${label(m)}`,
    );
    expect(kinds.sort()).toEqual(
      [
        'aggregator.yaml#0 Deployment/aggregator',
        'api.yaml#0 Deployment/api',
        'api.yaml#1 Service/api',
        'api.yaml#2 PodDisruptionBudget/api',
        'namespace.yaml#0 Namespace/seedsweep',
        '(not applied) secret.example.yaml#0 Secret/seedsweep',
        'worker-autoscaling.yaml#0 TriggerAuthentication/seedsweep-metrics',
        'worker-autoscaling.yaml#1 ScaledObject/worker',
        'worker.yaml#0 Deployment/worker',
        'worker.yaml#1 PodDisruptionBudget/worker',
      ].sort(),
    );
  });

  it('passes the Kubernetes and KEDA schemas', () => {
    expect(schemaProblems(set)).toEqual([]);
  });

  it('has no field its schema lacks (kubectl apply refuses unknown fields)', () => {
    expect(unknownFieldProblems(set)).toEqual([]);
  }, 60_000);

  it('passes what the API server checks beyond the schemas', () => {
    expect(apiServerProblems(set)).toEqual([]);
  });

  it('is one kustomization that applies everything but the Secret template', () => {
    expect(kustomizationProblems(set)).toEqual([]);
  });

  it('has every selector, port, Secret key and target pointing at something', () => {
    expect(referenceProblems(set)).toEqual([]);
  });

  it('sets on each container only what its service reads, with values it accepts', () => {
    const { problems, containers } = envProblems(set, roles);
    expect(problems).toEqual([]);
    expect(containers.map((c) => c.role).sort()).toEqual(['aggregator', 'api', 'worker']);
    expect(roleProblems(set, containers)).toEqual([]);
  });

  it('hardens every pod', () => {
    expect(securityProblems(set)).toEqual([]);
  });

  it('scales the workers on pending plus running jobs', () => {
    expect(kedaProblems(set)).toEqual([]);
  });

  it('keeps the Secret template unusable as it is, and its metrics key a read key', () => {
    expect(secretTemplateProblems(set, roles)).toEqual([]);
  });

  it('says what the issue asked for', () => {
    expect(find(set, 'Deployment', 'api').spec.replicas).toBe(2);
    expect(find(set, 'Deployment', 'aggregator').spec.replicas).toBe(1);
    const worker = find(set, 'Deployment', 'worker').spec.template.spec;
    expect(worker.terminationGracePeriodSeconds).toBe(900);
    expect(envVar(set, 'worker', 'WORKER_GRACE_SECONDS').value).toBe('840');
    expect(envVar(set, 'worker', 'WORKER_CONCURRENCY').value).toBe('1');
    expect(container(set, 'worker').resources).toEqual({
      requests: { cpu: '1', memory: '1536Mi' },
      limits: { cpu: '1', memory: '2Gi' },
    });
    for (const role of ['worker', 'aggregator']) {
      expect(envVar(set, role, 'HEALTH_PORT').value).toBe('8081');
    }
    const so = find(set, 'ScaledObject', 'worker').spec;
    expect([so.minReplicaCount, so.advanced.scalingModifiers.target]).toEqual([0, '1']);
  });
});

describe('the checks catch a broken manifest', () => {
  it('a value of the wrong type (schema)', () => {
    const s = broken((x) => (container(x, 'api').ports[0].containerPort = '8080'));
    expect(schemaProblems(s).join('\n')).toMatch(
      /Deployment\/api: .*containerPort must be integer/,
    );
  });

  it('a misspelt field (unknown to the schema), in a Deployment or a KEDA object', () => {
    const s = broken((x) => {
      const c = container(x, 'worker');
      c.readinesProbe = c.readinessProbe;
      delete c.readinessProbe;
      find(x, 'ScaledObject', 'worker').spec.advanced.horizontalPodAutoscalerConfig.behaviour = {};
    });
    expect(unknownFieldProblems(s)).toEqual([
      "worker-autoscaling.yaml#1 ScaledObject/worker: Object literal may only specify known properties, and 'behaviour' does not exist in type 'IHorizontalPodAutoscalerConfig'.",
      "worker.yaml#0 Deployment/worker: Object literal may only specify known properties, and 'readinesProbe' does not exist in type 'IContainer'.",
    ]);
  }, 60_000);

  it('a number where kubectl wants a string, and a duplicate key, in the YAML itself', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-k8s-'));
    try {
      await cp(K8S_DIR, dir, { recursive: true });
      const file = path.join(dir, 'worker.yaml');
      const text = await readFile(file, 'utf8');
      // YAML 1.1, as kubectl reads it: `on` is a boolean, not the string 'on'.
      await writeFile(file, text.replace("value: '8081'", 'value: on'));
      const s = await loadManifestSet(dir);
      expect(schemaProblems(s).join('\n')).toMatch(/Deployment\/worker: .*value must be string/);
      await writeFile(file, text.replace('  name: worker\n', '  name: worker\n  name: workers\n'));
      await expect(loadManifestSet(dir)).rejects.toThrow(/worker\.yaml#0: .*[Uu]nique/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a name, a port name or a request the API server refuses', () => {
    const s = broken((x) => {
      find(x, 'Service', 'api').metadata.name = 'API';
      container(x, 'worker').ports[0].name = 'health-endpoints';
      container(x, 'aggregator').resources.requests.memory = '2Gi';
    });
    expect(apiServerProblems(s)).toEqual([
      'aggregator.yaml#0 Deployment/aggregator: aggregator requests more memory than its limit',
      'api.yaml#1 Service/API: name is not a DNS label',
      'worker.yaml#0 Deployment/worker: worker port name health-endpoints is not an IANA service name',
    ]);
  });

  it('a Service, a PDB or a probe that points nowhere', () => {
    const s = broken((x) => {
      find(x, 'Service', 'api').spec.selector['app.kubernetes.io/component'] = 'apí';
      find(x, 'PodDisruptionBudget', 'worker').spec.selector.matchLabels[
        'app.kubernetes.io/component'
      ] = 'workers';
      container(x, 'aggregator').livenessProbe.httpGet.port = 'helth';
    });
    expect(referenceProblems(s)).toEqual([
      'aggregator.yaml#0 Deployment/aggregator: aggregator livenessProbe port helth is not a container port',
      'api.yaml#1 Service/api: selector matches 0 Deployments, not 1',
      'worker.yaml#1 PodDisruptionBudget/worker: selector matches 0 Deployments, not 1',
    ]);
  });

  it('a Secret key the template lacks, and an autoscaler aimed at another Deployment', () => {
    const s = broken((x) => {
      envVar(x, 'worker', 'REDIS_URL').valueFrom.secretKeyRef.key = 'REDIS_PASSWORD';
      find(x, 'ScaledObject', 'worker').spec.scaleTargetRef.name = 'workers';
    });
    expect(referenceProblems(s)).toEqual([
      'worker.yaml#0 Deployment/worker worker env REDIS_URL: Secret key REDIS_PASSWORD is not in secret.example.yaml',
      'worker-autoscaling.yaml#1 ScaledObject/worker: scaleTargetRef Deployment/workers is not a Deployment here',
    ]);
  });

  it('a variable no service reads, and a value its service refuses', () => {
    const s = broken((x) => {
      envVar(x, 'worker', 'WORKER_CONCURRENCY').name = 'WORKER_CONCURENCY';
      envVar(x, 'aggregator', 'HEALTH_PORT').value = 'eighty';
    });
    const { problems } = envProblems(s, roles);
    expect(problems).toEqual([
      'aggregator.yaml#0 Deployment/aggregator aggregator: the aggregator refuses its environment: HEALTH_PORT: Invalid input: expected number, received NaN',
      'worker.yaml#0 Deployment/worker worker: WORKER_CONCURENCY is not read by the worker (services/worker/src/env.ts)',
    ]);
  });

  it('CPU that is not one per concurrent trial, a grace the pod does not give, an API on loopback', () => {
    const s = broken((x) => {
      envVar(x, 'worker', 'WORKER_CONCURRENCY').value = '2';
      find(x, 'Deployment', 'worker').spec.template.spec.terminationGracePeriodSeconds = 600;
      envVar(x, 'api', 'HOST').value = '127.0.0.1';
    });
    const { problems, containers } = envProblems(s, roles);
    expect(problems).toEqual([]);
    expect(roleProblems(s, containers)).toEqual([
      'api.yaml#0 Deployment/api api: HOST 127.0.0.1 is not reachable from the kubelet or the Service',
      'worker.yaml#0 Deployment/worker worker: cpu requests 1 / limits 1, not WORKER_CONCURRENCY 2 (one CPU per trial)',
      'worker.yaml#0 Deployment/worker worker: terminationGracePeriodSeconds 600 is not above WORKER_GRACE_SECONDS 840: trials would be killed mid-way',
      'worker-autoscaling.yaml#1 ScaledObject/worker: target 1 is not WORKER_CONCURRENCY 2 (trials per pod)',
    ]);
  });

  it('a writable root, a kept capability, a root user', () => {
    const s = broken((x) => {
      delete container(x, 'worker').securityContext.readOnlyRootFilesystem;
      container(x, 'api').securityContext.capabilities = { add: ['NET_ADMIN'] };
      find(x, 'Deployment', 'aggregator').spec.template.spec.securityContext.runAsUser = 0;
    });
    expect(securityProblems(s)).toEqual([
      'aggregator.yaml#0 Deployment/aggregator aggregator: runAsUser 0, not 10001',
      'api.yaml#0 Deployment/api api: capabilities do not drop ALL',
      'api.yaml#0 Deployment/api api: adds capabilities',
      'worker.yaml#0 Deployment/worker worker: readOnlyRootFilesystem is not true',
    ]);
  });

  it('an autoscaler on the wait list alone, or on the max of its triggers', () => {
    const waitOnly = broken((x) => {
      const spec = find(x, 'ScaledObject', 'worker').spec;
      spec.triggers = spec.triggers.filter((t: { name: string }) => t.name === 'waiting');
      spec.advanced.scalingModifiers.formula = 'waiting';
    });
    expect(kedaProblems(waitOnly)).toEqual([
      'worker-autoscaling.yaml#1 ScaledObject/worker: counts jobs waiting; the workers are needed for exactly waiting, prioritized, delayed, active',
    ]);
    const max = broken((x) => {
      const modifiers = find(x, 'ScaledObject', 'worker').spec.advanced.scalingModifiers;
      modifiers.formula = 'max(waiting, prioritized, delayed, active)';
    });
    expect(kedaProblems(max)).toEqual([
      'worker-autoscaling.yaml#1 ScaledObject/worker: scalingModifiers.formula is not a sum of triggers (KEDA would take their max)',
    ]);
    const failedToo = broken((x) => {
      const trigger = find(x, 'ScaledObject', 'worker').spec.triggers[3];
      trigger.metadata.valueLocation = 'seedsweep_jobs{state="failed"}';
      trigger.metadata.url = 'http://api.default.svc:8080/metrics';
    });
    expect(kedaProblems(failedToo)).toEqual([
      'worker-autoscaling.yaml#1 ScaledObject/worker trigger active: api.default.svc is not <service>.seedsweep.svc',
      'worker-autoscaling.yaml#1 ScaledObject/worker: counts jobs waiting, prioritized, delayed, failed; the workers are needed for exactly waiting, prioritized, delayed, active',
    ]);
  });

  it('a file left out of the kustomization, and the Secret template applied', () => {
    const s = broken((x) => {
      x.kustomization.resources = [
        ...x.kustomization.resources!.filter((r) => r !== 'worker.yaml'),
        'secret.example.yaml',
      ];
    });
    expect(kustomizationProblems(s)).toEqual([
      'kustomization.yaml: worker.yaml is not a resource',
      'kustomization.yaml: secret.example.yaml holds placeholders; it must not be applied',
    ]);
  });

  it('a metrics key that is not one of the API keys, or real-looking keys in the template', () => {
    const s = broken((x) => {
      const data = find(x, 'Secret', 'seedsweep').stringData;
      data.METRICS_API_KEY = 'another-key';
      data.API_KEYS = `write:${'a'.repeat(20)}`;
    });
    expect(secretTemplateProblems(s, roles)).toEqual([
      'secret.example.yaml#0 Secret/seedsweep: METRICS_API_KEY is not a read: key of API_KEYS',
      "secret.example.yaml#0 Secret/seedsweep: the API accepts the template's placeholder keys",
    ]);
  });

  it('all of it together', () => {
    expect(setProblems(set, roles)).toEqual([]);
  });
});
