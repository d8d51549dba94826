import { textWidth } from '../src/figure-header.js';
import { attributesOf, rootAttributes } from './svg-helpers.js';

/** An axis-aligned box in SVG units. */
export interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface TextBox extends Box {
  text: string;
}

/** Above the baseline and below it, as shares of the font size: generous for sans-serif fonts. */
const ASCENT_EM = 0.8;
const DESCENT_EM = 0.25;

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
};

/**
 * The estimated box of every <text> of a figure: its width from the figures' own estimate
 * (textWidth), its height from the font size, placed by x, y and text-anchor. A <text> holding
 * markup (a tspan) or with a transform throws: ImageMagick draws tspans over each other and
 * turns rotated text the wrong way, so figures have neither.
 */
export function textBoxes(svg: string): TextBox[] {
  return [...svg.matchAll(/<text\s([^>]*)>([\s\S]*?)<\/text>/g)].map((match) => {
    const attrs = attributesOf(match[1] ?? '');
    const markup = match[2] ?? '';
    if (markup.includes('<')) throw new Error(`a <text> with markup inside: ${markup}`);
    const text = markup.replace(/&\w+;/g, (e) => ENTITIES[e] ?? e);
    const size = Number(attrs['font-size']);
    if (!Number.isFinite(size)) throw new Error(`a <text> without a font-size: ${text}`);
    const width = textWidth(text, size);
    const anchor = attrs['text-anchor'] ?? 'start';
    const start = anchor === 'middle' ? -width / 2 : anchor === 'end' ? -width : 0;
    const along = [start, start + width] as const;
    const across = [-ASCENT_EM * size, DESCENT_EM * size] as const;
    const x = Number(attrs.x ?? 0);
    const y = Number(attrs.y ?? 0);
    // Rotated text ImageMagick turns the wrong way: figures have none.
    if (attrs.transform !== undefined) throw new Error(`a <text> with a transform: ${text}`);
    return {
      text,
      left: x + along[0],
      right: x + along[1],
      top: y + across[0],
      bottom: y + across[1],
    };
  });
}

/** Every pair of texts whose boxes overlap, as "first | second". */
export function overlappingTexts(svg: string): string[] {
  const boxes = textBoxes(svg);
  const pairs: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      if (intersects(boxes[i]!, boxes[j]!)) pairs.push(`${boxes[i]!.text} | ${boxes[j]!.text}`);
    }
  }
  return pairs;
}

/** Texts whose boxes reach outside the figure's width and height. */
export function textsOutside(svg: string): string[] {
  const root = rootAttributes(svg);
  const [width, height] = [Number(root.width), Number(root.height)];
  return textBoxes(svg)
    .filter((b) => b.left < 0 || b.top < 0 || b.right > width || b.bottom > height)
    .map((b) => b.text);
}

function intersects(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}
