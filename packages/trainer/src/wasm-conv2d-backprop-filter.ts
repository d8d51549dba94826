import * as tf from '@tensorflow/tfjs-core';

/**
 * The wasm backend ships no Conv2DBackpropFilter kernel, so gradients of conv2d fail there. The
 * tfjs engine and the tests' reference (tfjs autograd) take them: both register this
 * (test/wasm-conv2d-backprop-filter.test.ts checks it against the cpu backend).
 * This one computes the filter gradient with the wasm Conv2D kernel (XNNPACK):
 *
 *   dW[kh, kw, ci, co] = sum over b, oh, ow of x[b, oh*s + kh, ow*s + kw, ci] * dy[b, oh, ow, co]
 *
 * is a convolution of the input with batch and channel axes swapped (x as [ci, H, W, b])
 * by the output gradient used as the filter (dy as [oh, ow, b, co]), the stride of the
 * forward convolution becoming the dilation of that filter. The result, [ci, kh, kw, co],
 * is transposed back to the filter layout [kh, kw, ci, co].
 */
export const wasmConv2dBackpropFilterKernel: tf.KernelConfig = {
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

export function registerWasmConv2dBackpropFilter(): void {
  if (!tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) {
    tf.registerKernel(wasmConv2dBackpropFilterKernel);
  }
}
