export { renderGridSvg, type GridSvgOptions } from './render-grid-svg.js';
export { renderSeedsSvg, type SeedsSvgInput } from './render-seeds-svg.js';
