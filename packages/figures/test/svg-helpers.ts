/** The attributes of every `<name ...>` start tag whose class list includes `className`. */
export function elementsWithClass(
  svg: string,
  name: string,
  className: string,
): Record<string, string>[] {
  const tags = [...svg.matchAll(new RegExp(`<${name}\\s([^>]*?)/?>`, 'g'))].map((m) =>
    attributesOf(m[1] ?? ''),
  );
  return tags.filter((attrs) => (attrs.class ?? '').split(' ').includes(className));
}

export function attributesOf(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

/** The markup of each `<g class="...">` element with this class; such groups nest no other <g>. */
export function groupsWithClass(svg: string, className: string): string[] {
  const pattern = new RegExp(`<g class="${className}"[^>]*>([\\s\\S]*?)</g>`, 'g');
  return [...svg.matchAll(pattern)].map((m) => m[1] ?? '');
}

/** The root element's attributes. */
export function rootAttributes(svg: string): Record<string, string> {
  const match = /^<svg\s([^>]*)>/.exec(svg);
  return attributesOf(match?.[1] ?? '');
}
