import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');
export const ENV_EXAMPLE = path.join(REPO_ROOT, '.env.example');
export const DOCKERFILE = path.join(REPO_ROOT, 'docker/Dockerfile');
/** The image's WORKDIR, which is the repository root once built. */
export const IMAGE_WORKDIR = '/app';
/**
 * What stands for the image's /app when the roles run here: the built repository, or a copy of
 * a built image's /app (`docker cp $(docker create seedsweep:local):/app /tmp/app`).
 */
export const APP_ROOT = process.env.SEEDSWEEP_APP_ROOT
  ? path.resolve(process.env.SEEDSWEEP_APP_ROOT)
  : REPO_ROOT;

/** The roles of the image, as the compose file names its services. */
export const ROLES = ['api', 'aggregator', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  volumes?: string[];
  tmpfs?: string[];
  healthcheck?: {
    test?: string[] | string;
    disable?: boolean;
    interval?: string;
    timeout?: string;
    start_period?: string;
  };
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  stop_grace_period?: string;
  user?: string;
  init?: boolean;
  profiles?: string[];
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/** KEY=VALUE lines; `#` lines and blank lines skipped (the subset compose and sh agree on). */
export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`.env line ${index + 1} is not KEY=VALUE: ${line}`);
    vars.set(match[1]!, match[2]!);
  }
  return vars;
}

/** The variables a compose value refers to (`$VAR`, `${VAR}`, `${VAR:-default}`, ...). */
export function referencedVariables(value: string): string[] {
  const names: string[] = [];
  for (const match of value.matchAll(
    /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g,
  )) {
    const name = match[1] ?? match[2];
    if (name) names.push(name);
  }
  return names;
}

/**
 * Compose's interpolation: `$$` is `$`; `${VAR:-d}` (unset or empty), `${VAR-d}` (unset),
 * `${VAR:?err}` / `${VAR?err}` (an error), `${VAR:+alt}` / `${VAR+alt}`; unset is empty.
 */
export function interpolate(value: string, vars: ReadonlyMap<string, string>): string {
  return value.replace(
    /\$(?:(\$)|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_match, dollar: string | undefined, braced: string | undefined, named: string | undefined) => {
      if (dollar) return '$';
      if (named) return vars.get(named) ?? '';
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])(.*))?$/s.exec(braced!);
      if (!m) throw new Error(`invalid interpolation \${${braced}}`);
      const [, name, colon, operator, word = ''] = m;
      const current = vars.get(name!);
      const missing = colon ? current === undefined || current === '' : current === undefined;
      switch (operator) {
        case '-':
          return missing ? word : current!;
        case '?':
          if (missing) throw new Error(`${name}: ${word}`);
          return current!;
        case '+':
          return missing ? '' : word;
        default:
          return current ?? '';
      }
    },
  );
}

function interpolateDeep(value: unknown, vars: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateDeep(item, vars)]),
    );
  }
  return value;
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

export interface LoadedCompose {
  /** As written, with YAML merge keys (`<<: *anchor`) applied. */
  raw: ComposeFile;
  /** Interpolated with the given variables, as `docker compose config` shows it. */
  resolved: ComposeFile;
  /** Every variable the file refers to. */
  variables: Set<string>;
}

export function loadCompose(vars: ReadonlyMap<string, string>): LoadedCompose {
  const raw = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
  return {
    raw,
    resolved: interpolateDeep(raw, vars) as ComposeFile,
    variables: new Set(stringsOf(raw).flatMap(referencedVariables)),
  };
}

export function loadEnvExample(): Map<string, string> {
  return parseEnvFile(readFileSync(ENV_EXAMPLE, 'utf8'));
}

export interface DockerInstruction {
  keyword: string;
  /** The text after the keyword, continuation lines joined. */
  args: string;
}

export interface DockerStage {
  from: string;
  name: string | undefined;
  instructions: DockerInstruction[];
}

export interface ParsedDockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string>;
  stages: DockerStage[];
}

/** Enough of the Dockerfile grammar for this project's file: instructions, `\` continuations. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (current === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    if (line.trimStart().startsWith('#')) continue; // a comment inside a continuation
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    logical.push((current + line).trim());
    current = '';
  }
  const globalArgs = new Map<string, string>();
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const space = line.search(/\s/);
    const keyword = line.slice(0, space).toUpperCase();
    const args = line.slice(space).trim();
    if (keyword === 'FROM') {
      const [from, as, name] = args.split(/\s+/);
      stages.push({
        from: from!,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (keyword === 'ARG') {
        const [name, value = ''] = args.split('=');
        globalArgs.set(name!, value);
      }
    } else {
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return { globalArgs, stages };
}

export function loadDockerfile(): ParsedDockerfile {
  return parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
}

/** The stage `docker build` makes without --target: the last one. */
export function finalStage(dockerfile: ParsedDockerfile): DockerStage {
  return dockerfile.stages.at(-1)!;
}

/** A JSON-form (exec form) argument list, as in CMD ["node", "main.js"]. */
export function execForm(args: string): string[] {
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new Error(`not an exec-form list: ${args}`);
  }
  return parsed;
}

/** The ENV of a stage: `ENV A=1 B=2` (values without spaces or quotes, as in this file). */
export function imageEnvironment(stage: DockerStage): Map<string, string> {
  const env = new Map<string, string>();
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ENV') continue;
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`ENV ${args}: only KEY=VALUE pairs are supported here`);
      env.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  return env;
}

function lastOf(stage: DockerStage, keyword: string): DockerInstruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

export function imageCommand(stage: DockerStage): {
  entrypoint: string[];
  cmd: string[];
} {
  const entrypoint = lastOf(stage, 'ENTRYPOINT');
  const cmd = lastOf(stage, 'CMD');
  return {
    entrypoint: entrypoint ? execForm(entrypoint.args) : [],
    cmd: cmd ? execForm(cmd.args) : [],
  };
}

function asList(value: string[] | string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') throw new Error(`use the list form, not "${value}"`);
  return value;
}

/**
 * The argv of a service's container: compose's `entrypoint` replaces the image's ENTRYPOINT
 * and drops its CMD; `command` (or the arguments of `docker compose run`) replaces CMD.
 */
export function containerArgv(
  service: ComposeService,
  stage: DockerStage,
  runArgs?: string[],
): string[] {
  const image = imageCommand(stage);
  const entrypoint = asList(service.entrypoint);
  const command = runArgs ?? asList(service.command);
  if (entrypoint) return [...entrypoint, ...(command ?? [])];
  return [...image.entrypoint, ...(command ?? image.cmd)];
}

/** The environment compose gives a container: the image's ENV, then `environment:`. */
export function containerEnvironment(
  service: ComposeService,
  stage: DockerStage,
): Record<string, string> {
  const env: Record<string, string> = Object.fromEntries(imageEnvironment(stage));
  for (const [key, value] of Object.entries(service.environment ?? {})) {
    env[key] = value === null ? '' : String(value);
  }
  return env;
}

/** A Go duration as compose takes it (`10m`, `1m30s`, `500ms`), in seconds. */
export function durationSeconds(value: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6 };
  let total = 0;
  const rest = value.replace(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g, (_all, n: string, unit: string) => {
    total += Number(n) * units[unit]!;
    return '';
  });
  if (rest !== '' || value === '') throw new Error(`not a duration: ${value}`);
  return total;
}
