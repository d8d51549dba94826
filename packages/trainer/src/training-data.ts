/** One set of examples: `x` holds `count` single-channel images of side `size`, row-major. */
export interface ExampleSet {
  count: number;
  x: Float32Array;
  /** Class per example: 1 crater, 0 non-crater. */
  y: Uint8Array;
}

/** What a training run needs of a prepared dataset (`@seedsweep/crater-data` gives this). */
export interface TrainingData {
  size: number;
  train: ExampleSet;
  test: ExampleSet;
  /** Identity of the prepared data, recorded with the result. */
  identityHash?: string;
}
