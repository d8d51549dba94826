import * as tf from '@tensorflow/tfjs-core';
// Autograd needs the ops' gradients registered; tfjs-core leaves that to its users.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import type { Engine, EngineInfo } from './engine.js';
import { packageVersion } from './engine.js';
import { EngineUnavailableError } from './errors/index.js';
import { TfjsCraterCnn } from './tfjs-crater-cnn.js';
import { TRAINER_VERSION } from './trainer-version.js';

/** A tfjs backend the engine runs on, and the package that provides it. */
interface TfjsBackend {
  name: 'tensorflow' | 'wasm';
  packageName: string;
  load(): Promise<void>;
}

const backends: readonly TfjsBackend[] = [
  {
    name: 'tensorflow',
    packageName: '@tensorflow/tfjs-node',
    // An optional dependency: absent, or present without libtensorflow when its install script
    // could not download it. Either way it fails here, and the wasm backend is tried.
    load: async () => {
      await import('@tensorflow/tfjs-node');
    },
  },
  {
    name: 'wasm',
    packageName: '@tensorflow/tfjs-backend-wasm',
    load: async () => {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // One thread: results must not depend on the machine's core count, and a worker runs
      // one trial per core. Set before the backend initialises, which reads it then.
      wasm.setThreadsCount(1);
      registerWasmConv2dBackpropFilter();
    },
  },
];

async function activate(backend: TfjsBackend): Promise<void> {
  await backend.load();
  // tfjs prints advice about installing tfjs-node; the engine chooses its backend itself.
  tf.env().set('PROD', true);
  if (!(await tf.setBackend(backend.name))) {
    throw new Error(`tfjs could not initialise its '${backend.name}' backend`);
  }
  await tf.ready();
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** Loads TensorFlow.js, native where tfjs-node loads, else on wasm; the engine on it. */
async function load(): Promise<Engine> {
  const failures: string[] = [];
  const causes: unknown[] = [];
  for (const backend of backends) {
    try {
      await activate(backend);
    } catch (error) {
      failures.push(`${backend.packageName} does not load (${firstLine(error)})`);
      causes.push(error);
      continue;
    }
    return tfjsEngineOn(backend);
  }
  throw new EngineUnavailableError('tfjs', failures.join('; '), {
    cause: new AggregateError(causes, 'no tfjs backend loads'),
  });
}

function tfjsEngineOn(backend: TfjsBackend): Engine {
  const info: EngineInfo = {
    name: 'tfjs',
    family: 'tfjs',
    codePath: `tfjs-${backend.name}`,
    versions: {
      trainer: TRAINER_VERSION,
      '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
      [backend.packageName]: packageVersion(backend.packageName),
    },
  };
  // tfjs has one global engine: a model built after something switched it would compute on
  // another backend than the one `info` records.
  const checkBackend = (): void => {
    const active = tf.getBackend();
    if (active !== backend.name) {
      throw new EngineUnavailableError(
        'tfjs',
        `the active tfjs backend is '${active}', not '${backend.name}', which this engine loaded`,
      );
    }
  };
  return {
    info,
    initialise: (inputSize, stream) => {
      checkBackend();
      return TfjsCraterCnn.initialise(inputSize, stream);
    },
    fromSnapshot: (snapshot, inputSize) => {
      checkBackend();
      return TfjsCraterCnn.fromSnapshot(snapshot, inputSize);
    },
  };
}

let loading: Promise<Engine> | null = null;

/**
 * The tfjs engine: the crater CNN through TensorFlow.js ops and autograd (TfjsCraterCnn), on
 * tfjs-node's native backend where it loads, else on the wasm backend with one thread.
 * TensorFlow.js is loaded once per process; a failed load is retried by the next call.
 * Throws EngineUnavailableError when neither backend loads.
 */
export function loadTfjsEngine(): Promise<Engine> {
  loading ??= load().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/**
 * The wasm backend ships no Conv2DBackpropFilter kernel, so conv2d's weight gradients fail
 * there; this registers one. A copy of test/wasm-conv2d-backprop-filter.ts (whose test checks
 * it against the cpu backend), which the trainer's source could not import: change both
 * together. It computes the filter gradient with the wasm Conv2D kernel (XNNPACK):
 *
 *   dW[kh, kw, ci, co] = sum over b, oh, ow of x[b, oh*s + kh, ow*s + kw, ci] * dy[b, oh, ow, co]
 *
 * is a convolution of the input with batch and channel axes swapped (x as [ci, H, W, b])
 * by the output gradient used as the filter (dy as [oh, ow, b, co]), the stride of the
 * forward convolution becoming the dilation of that filter. The result, [ci, kh, kw, co],
 * is transposed back to the filter layout [kh, kw, ci, co].
 */
const wasmConv2dBackpropFilterKernel: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) => {
    const { x, dy } = inputs as unknown as tf.Conv2DBackpropFilterInputs & {
      x: tf.Tensor4D;
      dy: tf.Tensor4D;
    };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (dataFormat !== 'NHWC') {
      throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${dataFormat}`);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    return tf.tidy(() => {
      const { top, bottom, left, right } = info.padInfo;
      const padded =
        top + bottom + left + right > 0
          ? tf.pad(x, [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ])
          : x;
      const xSwapped = tf.transpose(padded, [3, 1, 2, 0]);
      const dySwapped = tf.transpose(dy, [1, 2, 0, 3]);
      let grad = tf.conv2d(xSwapped as tf.Tensor4D, dySwapped as tf.Tensor4D, 1, 'valid', 'NHWC', [
        info.strideHeight,
        info.strideWidth,
      ]);
      const [, gh, gw] = grad.shape;
      if (gh !== info.filterHeight || gw !== info.filterWidth) {
        // Padding can leave rows and columns beyond the filter's extent: they are not taps.
        grad = tf.slice(grad, [0, 0, 0, 0], [-1, info.filterHeight, info.filterWidth, -1]);
      }
      return tf.transpose(grad, [1, 2, 0, 3]);
    }) as unknown as tf.TensorInfo;
  },
};

function registerWasmConv2dBackpropFilter(): void {
  if (!tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) {
    tf.registerKernel(wasmConv2dBackpropFilterKernel);
  }
}
