/**
 * Where `Tooltip.html.svelte` goes for a pointer event over a chart: the pointer's position in the
 * plot area (which starts `left` pixels into `box`, the chart's container), a little above it so
 * the box does not sit under the pointer.
 */
export function tooltipAt(box: HTMLElement, e: PointerEvent, left: number): { x: number; y: number } {
  const r = box.getBoundingClientRect();
  return { x: e.clientX - r.left - left, y: e.clientY - r.top - 8 };
}
