/**
 * Docs sections made from definitions: each sits between `<!-- generated: NAME -->` and
 * `<!-- end generated -->`, and is rendered anew by `npx pullcheck docs`.
 */
export function refreshGeneratedBlocks(text: string, blocks: Record<string, () => string>, file: string): string {
  let out = text;
  for (const [name, render] of Object.entries(blocks)) {
    const start = `<!-- generated: ${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf("<!-- end generated -->", from);
    if (from < 0 || to < 0) throw new Error(`${file} has no "${start}" … "<!-- end generated -->" block for the ${name} table`);
    out = `${out.slice(0, from + start.length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}
