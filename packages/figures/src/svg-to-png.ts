import { Resvg } from '@resvg/resvg-js';

/**
 * A PNG of one of our SVG figures, for papers and viewers that take no SVG. resvg follows the
 * SVG specification closely (ImageMagick's converter draws our colour bars black), and ships
 * prebuilt in its npm package, so nothing is downloaded at install time. Text uses the system's
 * fonts; DejaVu Sans, the usual fallback for Helvetica, when none of the figure's is present.
 */
export function svgToPng(svg: string, options: { scale?: number } = {}): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
