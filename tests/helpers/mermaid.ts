/**
 * Parses Mermaid source with the real `mermaid` package (the library GitHub renders diagrams
 * with), as a test oracle for generated diagrams. `mermaid.parse` runs the diagram's real
 * grammar and database; its text sanitizer (DOMPurify) needs a DOM `window`, which happy-dom
 * provides: created once, before mermaid (and DOMPurify) are first loaded. Both are ES modules,
 * loaded with `import()` from this CommonJS project.
 */

interface Mermaid {
  parse(text: string): Promise<{ diagramType: string } | false>;
}
let loaded: Promise<Mermaid> | undefined;

function load(): Promise<Mermaid> {
  loaded ??= (async () => {
    const g = globalThis as Record<string, unknown>;
    if (g.window !== undefined) return (await import("mermaid")).default as unknown as Mermaid;
    const { Window } = await import("happy-dom");
    const window = new Window();
    g.window = window;
    g.document = window.document;
    try {
      return (await import("mermaid")).default as unknown as Mermaid;
    } finally {
      // DOMPurify keeps the window it was created with; the globals go again, so later test files
      // sharing this worker (vitest.config.mts) never see a browser-like environment.
      delete g.window;
      delete g.document;
    }
  })();
  return loaded;
}

/** The diagram type Mermaid detected (e.g. `flowchart-v2`); throws Mermaid's parse error for invalid source. */
export async function parseMermaid(source: string): Promise<string> {
  const mermaid = await load();
  const result = await mermaid.parse(source);
  if (!result) throw new Error("mermaid.parse returned false");
  return result.diagramType;
}

/** Every ```mermaid block of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? "");
}
