import type { BenchCommandName } from '@seedsweep/bench/commands';
import type { Deployment, DeploymentRequest } from '@seedsweep/bench';
import { freePort } from '@seedsweep/redis-server';
import type { CommandContext, CommandResult } from '../command.js';
import { LocalStack } from './start.js';

/**
 * `seedsweep bench ...`: the commands are @seedsweep/bench's. The CLI gives them its environment
 * and runs their deployments: Redis and the services, as `seedsweep start` does.
 */
export async function benchCommand(name: BenchCommandName): Promise<{
  help: string;
  run: (args: string[], ctx: CommandContext) => Promise<CommandResult>;
}> {
  const { loadBenchCommand } = await import('@seedsweep/bench/commands');
  const command = await loadBenchCommand(name);
  return {
    help: command.help,
    run: (args, ctx) =>
      command.run(args, {
        settings: {
          dataDir: ctx.env.dataDir,
          dataUrl: ctx.env.dataUrl,
          cacheRoot: ctx.env.cacheRoot,
          engine: ctx.env.engine,
          torchPython: ctx.env.torchPython,
        },
        out: ctx.out,
        log: ctx.log,
        stderr: ctx.stderr,
        signal: ctx.signal,
        startDeployment: (request) => startDeployment(ctx, request),
      }),
  };
}

/** A local stack with a redis-server of its own in the benchmark's directory, on a free port. */
async function startDeployment(
  ctx: CommandContext,
  { workers, dir, env, log, apiKeys }: DeploymentRequest,
): Promise<Deployment> {
  const stack = await LocalStack.start(
    { ...ctx, log },
    {
      workers,
      port: await freePort(),
      warningsOnly: true,
      ownRedisIn: dir,
      env,
      ...(apiKeys && { apiKeys }),
    },
  );
  return {
    apiUrl: stack.services.apiUrl,
    redisUrl: stack.redisUrl,
    workerPids: () =>
      stack.services
        .processes()
        .filter((p) => p.name.startsWith('worker'))
        .map((p) => p.pid),
    stop: () => stack.stop(),
  };
}
