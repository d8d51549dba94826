import { renderAsync, Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';

/** Pixels per SVG unit in a PNG: twice the SVG's size reads sharply on slides and in print. */
const DEFAULT_SCALE = 2;

/** A rendered figure: RGBA pixels, four bytes each, row by row, and the same image as a PNG. */
export interface RenderedFigure {
  width: number;
  height: number;
  pixels: Buffer;
  asPng(): Buffer;
}

/**
 * A PNG of one of our SVG figures, for papers and viewers that take no SVG. resvg follows the
 * SVG specification closely and ships prebuilt in its npm package, so nothing is downloaded at
 * install time. Text uses the system's fonts; DejaVu Sans, the usual fallback for Helvetica,
 * when none of the figure's is present.
 */
export function svgToPng(svg: string, options: { scale?: number } = {}): Buffer {
  return renderSvg(svg, options).asPng();
}

/** As svgToPng, on libuv's thread pool: for a server, whose event loop it does not hold up. */
export async function svgToPngAsync(
  svg: string,
  options: { scale?: number } = {},
): Promise<Buffer> {
  return (await renderAsync(svg, renderOptions(options.scale))).asPng();
}

/** The figure's pixels, for checks of what a PNG of it shows; `asPng()` is svgToPng's bytes. */
export function renderSvg(svg: string, options: { scale?: number } = {}): RenderedFigure {
  return new Resvg(svg, renderOptions(options.scale)).render();
}

function renderOptions(scale = DEFAULT_SCALE): ResvgRenderOptions {
  return {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  };
}
