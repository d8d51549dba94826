import { element, escapeXml } from './xml.js';

export const FONT_FAMILY = 'Helvetica, Arial, sans-serif';
export const TEXT_COLOUR = '#222222';
export const MUTED_COLOUR = '#666666';

/**
 * A standalone SVG document: its own namespace, a viewBox so it scales, an accessible <title>,
 * and a white background so it reads the same on dark pages and in image viewers.
 */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      'font-family': FONT_FAMILY,
      fill: TEXT_COLOUR,
    },
    `<title>${escapeXml(title)}</title>` +
      element('rect', { class: 'background', x: 0, y: 0, width, height, fill: '#ffffff' }) +
      body,
  );
}
