import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { initEngine, selectEngine } from '../src/engine.js';
import { EngineUnavailableError } from '../src/errors/index.js';
import { measureCorePeak, nativeCodePaths } from '../src/native-kernel-engine.js';

/** Whether this machine has what `pnpm build` needs to compile the native engine. */
function compilerPresent(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    execFileSync('make', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('engines', () => {
  it('builds the native engine where a C compiler is installed, and auto takes it', async () => {
    if (!compilerPresent()) {
      expect((await initEngine('auto')).info.name).toBe('wasm');
      return;
    }
    const paths = nativeCodePaths();
    expect(paths.at(-1)).toBe('sse');
    const auto = await initEngine('auto');
    expect(auto.info).toMatchObject({ name: 'native', family: 'kernels', codePath: paths[0] });
  });

  it('runs native on any code path the CPU has, and says which it cannot', async () => {
    if (!compilerPresent()) return;
    for (const codePath of nativeCodePaths()) {
      expect((await initEngine('native', { codePath })).info.codePath).toBe(codePath);
    }
    const missing = ['avx512', 'avx2'].find((p) => !nativeCodePaths().includes(p)) ?? 'neon';
    const error = await initEngine('native', { codePath: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as EngineUnavailableError).code).toBe('ENGINE_UNAVAILABLE');
    expect((error as Error).message).toMatch(
      new RegExp(`code path '${missing}' \\(it runs .*sse\\)`),
    );
  });

  it('puts wasm and native in one numeric family, tfjs in its own', async () => {
    expect((await initEngine('wasm')).info).toMatchObject({
      name: 'wasm',
      family: 'kernels',
      codePath: 'wasm-simd128',
    });
    const tfjs = await initEngine('tfjs');
    expect(tfjs.info.family).toBe('tfjs');
    expect(tfjs.info.codePath).toMatch(/^tfjs-/);
  });

  it('refuses an engine it does not know, and a code path for an engine without one', async () => {
    await expect(initEngine('gpu' as never)).rejects.toThrow(
      /choose one of auto, native, wasm, tfjs/,
    );
    await expect(initEngine('wasm', { codePath: 'sse' })).rejects.toThrow(
      /a code path is a choice of the native engine/,
    );
  });

  it('keeps the engine chosen: auto stays on the kernels engine already selected', async () => {
    expect((await selectEngine('wasm')).name).toBe('wasm');
    expect((await selectEngine('auto')).name).toBe('wasm');
    expect((await selectEngine('tfjs')).name).toBe('tfjs');
    expect((await selectEngine('auto')).family).toBe('kernels');
    if (!compilerPresent()) return;
    expect((await selectEngine('native', { codePath: 'sse' })).codePath).toBe('sse');
    expect((await selectEngine('native')).codePath).toBe(nativeCodePaths()[0]);
  });

  it('measures the core peak at the widest vector width', () => {
    if (!compilerPresent()) return;
    const peak = measureCorePeak(2, 2_000_000);
    expect([4, 8, 16]).toContain(peak.lanes);
    expect(peak.mulAddGflops).toBeGreaterThan(1);
  });
});
