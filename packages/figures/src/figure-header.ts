import { MUTED_COLOUR } from './svg-document.js';
import { textElement } from './xml.js';

export const HEADER_HEIGHT = 62;
const LEFT = 16;
/**
 * Average character width as a share of the font size. No fonts are measured here, so this errs
 * wide (DejaVu Sans, a common fallback for Helvetica, is about 0.6 em, bold too) to keep text
 * inside. Renderers pick different fonts (Chromium Liberation Sans, resvg and librsvg DejaVu
 * Sans, ImageMagick its own), so layouts leave room rather than rely on one font's metrics.
 */
const CHAR_WIDTH_EM = 0.64;
/** Glyphs near 1 em wide in every sans-serif font, counted as that: "90%" is wider than "900". */
const WIDE_CHARS = /[%@MWmw—]/g;
const WIDE_CHAR_EM = 1;

/** The figure's title and a muted line under it. */
export function figureHeader(title: string, note: string): string {
  return (
    textElement(title, { x: LEFT, y: 26, 'font-size': 16, 'font-weight': 'bold' }) +
    textElement(note, { x: LEFT, y: 46, 'font-size': 11, fill: MUTED_COLOUR })
  );
}

/** A width at which the header's text fits, never less than a readable figure. */
export function minimumWidth(title: string, note: string): number {
  const text = Math.max(textWidth(title, 16), textWidth(note, 11));
  return Math.max(480, Math.ceil(2 * LEFT + text));
}

/** A large muted line centred on (x, y): what an empty figure says. */
export function centredMessage(message: string, x: number, y: number): string {
  return textElement(message, {
    class: 'empty',
    x,
    y,
    'text-anchor': 'middle',
    'font-size': 18,
    fill: MUTED_COLOUR,
  });
}

/** A generous estimate of the width of `text` at `fontSize` px. */
export function textWidth(text: string, fontSize: number): number {
  const wide = text.match(WIDE_CHARS)?.length ?? 0;
  return (text.length * CHAR_WIDTH_EM + wide * (WIDE_CHAR_EM - CHAR_WIDTH_EM)) * fontSize;
}
