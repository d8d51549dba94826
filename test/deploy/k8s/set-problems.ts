import { apiServerProblems } from './api-server-checks.js';
import { envProblems, roleProblems, secretTemplateProblems } from './env-checks.js';
import { kedaProblems } from './keda-checks.js';
import { kustomizationProblems } from './kustomization-checks.js';
import type { ManifestSet } from './manifest-set.js';
import { referenceProblems } from './reference-checks.js';
import { securityProblems } from './security-context-checks.js';
import type { Role, RoleEnv } from './service-roles.js';

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
