export { RandomStream } from './random-stream.js';
