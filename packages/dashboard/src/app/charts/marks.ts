/**
 * What the SVG and canvas versions of a mark layer share. A panel draws up to a few thousand
 * marks as SVG (inspectable, crisp) and switches to the canvas layer above that; both take the
 * same props and must put every mark in the same place.
 */

/** Props of `Scatter.svelte` and `Scatter.canvas.svelte`: one point per row of the chart's data at (x, y). */
export interface ScatterProps<T> {
  fill: (row: T) => string;
  /** Drawn as an outline (failed operations). */
  hollow?: (row: T) => boolean;
  /** Radius in CSS pixels. */
  r?: number;
  /** Row drawn larger and outlined (the selected operation). */
  highlight?: T | null;
}

/** Props of `Spans.svelte` and `Spans.canvas.svelte`: time spans from x0 to x1 in a lane of a band y scale. */
export interface SpansProps<T> {
  spans: readonly T[];
  x0: (span: T) => number;
  x1: (span: T) => number;
  lane: (span: T) => string;
  fill: (span: T) => string;
  /** Drawn as an outline (failed operations). */
  hollow?: (span: T) => boolean;
  /** Span drawn outlined (the selected operation). */
  highlight?: T | null;
}

/** A span's box inside its lane: 70 % of the band's height, centred. */
export function spanBox(bandwidth: number): { offset: number; height: number } {
  return { offset: bandwidth * 0.15, height: bandwidth * 0.7 };
}

/**
 * Marks grouped by colour, solid apart from hollow, in order of first appearance: a canvas layer
 * turns each colour into a pixel value once instead of once per mark.
 * @example groupByFill(rows, (r) => color(r.model), (r) => r.status === 'error')
 */
export function groupByFill<T>(
  marks: Iterable<T>,
  fill: (mark: T) => string,
  hollow: (mark: T) => boolean,
): Map<string, { solid: T[]; hollow: T[] }> {
  const byColor = new Map<string, { solid: T[]; hollow: T[] }>();
  for (const m of marks) {
    const c = fill(m);
    let g = byColor.get(c);
    if (!g) {
      g = { solid: [], hollow: [] };
      byColor.set(c, g);
    }
    (hollow(m) ? g.hollow : g.solid).push(m);
  }
  return byColor;
}
