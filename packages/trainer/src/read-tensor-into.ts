import * as tf from '@tensorflow/tfjs-core';

/** The parts of the wasm and cpu backends' storage read here (public fields, not in the types). */
interface WasmStorage {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPF32: Float32Array };
}
interface CpuStorage {
  data: { get(dataId: object): { values?: unknown } | undefined };
}

/**
 * Copies a float32 tensor's values into `into`. On the wasm and cpu backends it reads the
 * backend's own storage: dataSync would first copy them into a new array, garbage every
 * training step, which lets a trial process's memory balloon between collections.
 */
export function readTensorInto(tensor: tf.Tensor, into: Float32Array): void {
  if (tensor.dtype !== 'float32') throw new TypeError(`expected float32, got ${tensor.dtype}`);
  const size = tensor.size;
  const backend = tf.backend() as unknown;
  const name = tf.getBackend();
  if (name === 'wasm') {
    const { dataIdMap, wasm } = backend as WasmStorage;
    const offset = dataIdMap.get(tensor.dataId)?.memoryOffset;
    if (offset !== undefined) {
      into.set(wasm.HEAPF32.subarray(offset / 4, offset / 4 + size));
      return;
    }
  } else if (name === 'cpu') {
    const values = (backend as CpuStorage).data.get(tensor.dataId)?.values;
    if (values instanceof Float32Array && values.length >= size) {
      into.set(values.subarray(0, size));
      return;
    }
  }
  into.set(tensor.dataSync() as Float32Array);
}
