import path from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { REPO_ROOT } from './manifest-set.js';

// The three services a container can run, and what each one's built env.ts reads.

/**
 * What each role's built env.ts exports: the schema (the variables it reads) and the parser
 * main.ts runs at start-up.
 */
export interface RoleEnv {
  envSchema: { shape: Record<string, unknown> };
  parseEnv(env: Record<string, string>): Record<string, unknown>;
}
export type Role = 'api' | 'worker' | 'aggregator';
export const ROLES: Role[] = ['api', 'worker', 'aggregator'];

export async function loadRoleEnvs(): Promise<Record<Role, RoleEnv>> {
  const entries = await Promise.all(
    ROLES.map(async (role) => {
      const built = path.join(REPO_ROOT, `services/${role}/dist/env.js`);
      const module = (await import(built)) as Partial<RoleEnv>;
      if (!module.envSchema?.shape || !module.parseEnv) {
        throw new Error(`${built} exports no envSchema and parseEnv: run tsc -b`);
      }
      return [role, module as RoleEnv] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Role, RoleEnv>;
}

/** The role a container runs, from its command (`node services/<role>/dist/main.js`). */
export function roleOf(container: IContainer): Role | undefined {
  const line = [...(container.command ?? []), ...(container.args ?? [])].join(' ');
  return ROLES.find((role) => line.includes(`services/${role}/dist/main.js`));
}
