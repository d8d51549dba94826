/**
 * A small strict XML well-formedness check, enough for the figures: one root element, balanced
 * and properly nested tags, quoted attributes without duplicates, and only the five predefined
 * entities or character references. Returns the problems found (none for a well-formed string).
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const token =
    /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<!--[\s\S]*?-->|([^<]+)|(<)/g;
  for (const match of xml.matchAll(token)) {
    const [whole, closing, name, attributes, selfClosing, text, strayLt] = match;
    if (strayLt !== undefined) {
      problems.push(
        `unexpected '<' at ${match.index}: ${xml.slice(match.index, match.index + 30)}`,
      );
      continue;
    }
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== '') problems.push(`text outside the root: ${text}`);
      checkEntities(text, problems);
      continue;
    }
    if (whole.startsWith('<!--') || name === undefined) continue;
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    if (stack.length === 0) roots += 1;
    checkAttributes(attributes ?? '', problems);
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

function checkAttributes(attributes: string, problems: string[]): void {
  const seen = new Set<string>();
  for (const [, name, value] of attributes.matchAll(
    /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g,
  )) {
    if (name === undefined) continue;
    if (seen.has(name)) problems.push(`duplicate attribute ${name}`);
    seen.add(name);
    checkEntities(value ?? '', problems);
  }
}

function checkEntities(text: string, problems: string[]): void {
  for (const [amp] of text.matchAll(/&[^;\s]*;?/g)) {
    if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(amp)) {
      problems.push(`bad entity or raw '&': ${amp}`);
    }
  }
}
