import { svgNumber } from './svg-number.js';

export type Attributes = Record<string, string | number | undefined>;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for XML character data and attribute values alike. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * One element. Attribute values are escaped (numbers go through svgNumber); `content` is markup,
 * already escaped, so elements nest by concatenation. Undefined attributes are left out.
 */
export function element(name: string, attributes: Attributes, content?: string): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(
      ([key, value]) =>
        ` ${key}="${typeof value === 'number' ? svgNumber(value) : escapeXml(value)}"`,
    )
    .join('');
  return content === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

/** A <text> element whose content is plain text, escaped here. */
export function textElement(content: string, attributes: Attributes): string {
  return element('text', attributes, escapeXml(content));
}

/**
 * A <line>, with fill="none": ImageMagick's renderer fills a line too, in the inherited text
 * colour, which shows as a dark hairline through a dashed one.
 */
export function lineElement(attributes: Attributes): string {
  return element('line', { ...attributes, fill: 'none' });
}
