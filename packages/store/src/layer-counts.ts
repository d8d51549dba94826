export interface LayerCounts {
  conv1: number;
  conv2: number;
}
