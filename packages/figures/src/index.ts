export { renderGridSvg, type GridSvgOptions } from './render-grid-svg.js';
export { renderSeedsSvg, type SeedsSvgInput } from './render-seeds-svg.js';
export {
  renderLotterySvg,
  type LotteryLine,
  type LotteryPoint,
  type LotterySvgInput,
} from './render-lottery-svg.js';
export { renderSvg, svgToPng, svgToPngAsync, type RenderedFigure } from './svg-to-png.js';
