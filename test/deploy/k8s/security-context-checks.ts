import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { applied, label, type ManifestSet } from './manifest-set.js';

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
