import { element, escapeXml } from './xml.js';

export const FONT_FAMILY = 'Helvetica, Arial, sans-serif';
export const TEXT_COLOUR = '#222222';
export const MUTED_COLOUR = '#666666';

/**
 * A standalone SVG document: its own namespace, a viewBox so it scales, an accessible <title>,
 * and a white background so it reads the same on dark pages and in image viewers. `stroke` is
 * "none" as the specification's default is: ImageMagick's own renderer otherwise outlines text.
 */
export function svgDocument(
  fractionalWidth: number,
  fractionalHeight: number,
  title: string,
  body: string,
): string {
  // Whole pixels: a PNG has no fraction of one, and a renderer would crop or stretch it.
  const width = Math.ceil(fractionalWidth);
  const height = Math.ceil(fractionalHeight);
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      'font-family': FONT_FAMILY,
      fill: TEXT_COLOUR,
      stroke: 'none',
    },
    `<title>${escapeXml(title)}</title>` +
      element('rect', { class: 'background', x: 0, y: 0, width, height, fill: '#ffffff' }) +
      body,
  );
}
