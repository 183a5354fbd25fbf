/**
 * A pixel buffer for canvas layers with tens of thousands of marks. 100,000 `fillRect` calls on a
 * 2D context cost hundreds of milliseconds in a software-rendered browser; writing the same
 * rectangles into a Uint32Array and drawing it once costs a few. Marks are opaque (no blending),
 * which is what dense points and spans want anyway. Coordinates are the chart's (CSS pixels,
 * origin at the chart area's top left), as in a LayerCake canvas draw function.
 */
export class Raster {
  readonly cols: number;
  readonly rows: number;
  private readonly data: Uint32Array<ArrayBuffer>;

  /**
   * @param width, height chart area in CSS pixels
   * @param margin CSS pixels around the area that marks may reach into (point radius)
   * @param scale device pixels per CSS pixel
   */
  constructor(
    readonly width: number,
    readonly height: number,
    readonly margin: number,
    readonly scale: number,
  ) {
    this.cols = Math.max(1, Math.round((width + 2 * margin) * scale));
    this.rows = Math.max(1, Math.round((height + 2 * margin) * scale));
    this.data = new Uint32Array(this.cols * this.rows);
  }

  /** A filled rectangle, at least one device pixel each way. */
  fillRect(x: number, y: number, w: number, h: number, color: number): void {
    const s = this.scale;
    const m = this.margin;
    const x0 = Math.max(0, Math.floor((x + m) * s));
    const y0 = Math.max(0, Math.floor((y + m) * s));
    const x1 = Math.min(this.cols, Math.max(x0 + 1, Math.ceil((x + w + m) * s)));
    const y1 = Math.min(this.rows, Math.max(y0 + 1, Math.ceil((y + h + m) * s)));
    const d = this.data;
    if (x1 - x0 <= 8) {
      // Small marks: plain stores beat a fill() call per row.
      for (let r = y0; r < y1; r++)
        for (let i = r * this.cols + x0, e = r * this.cols + x1; i < e; i++) d[i] = color;
    } else {
      for (let r = y0; r < y1; r++) d.fill(color, r * this.cols + x0, r * this.cols + x1);
    }
  }

  /**
   * Fills, on the rows from y to y + h, every column that one of `extents` ([x, width] pairs)
   * covers: overlapping extents are merged first, so 100,000 spans in a lane of 1,000 pixels
   * cost one pass over the spans and a few hundred rectangles.
   */
  fillExtents(extents: Iterable<readonly [number, number]>, y: number, h: number, color: number): void {
    const s = this.scale;
    const m = this.margin;
    const cover = new Uint8Array(this.cols + 1);
    for (const [x, w] of extents) {
      const x0 = Math.max(0, Math.floor((x + m) * s));
      const x1 = Math.min(this.cols, Math.max(x0 + 1, Math.ceil((x + w + m) * s)));
      for (let c = x0; c < x1; c++) cover[c] = 1;
    }
    for (let c = 0; c < this.cols; ) {
      if (!cover[c]) {
        c++;
        continue;
      }
      let e = c;
      while (cover[e]) e++;
      this.fillRect(c / s - m, y, (e - c) / s, h, color);
      c = e;
    }
  }

  /** The outline of a rectangle, one device pixel wide. */
  strokeRect(x: number, y: number, w: number, h: number, color: number): void {
    const px = 1 / this.scale;
    this.fillRect(x, y, w, px, color);
    this.fillRect(x, y + h - px, w, px, color);
    this.fillRect(x, y, px, h, color);
    this.fillRect(x + w - px, y, px, h, color);
  }

  /** The pixel at device column `c`, row `r` (0 when nothing was drawn there). */
  at(c: number, r: number): number {
    return this.data[r * this.cols + c] ?? 0;
  }

  /** Draws the buffer onto `ctx` (whose transform maps chart coordinates, as LayerCake sets it). */
  drawTo(ctx: CanvasRenderingContext2D): void {
    const canvas = document.createElement('canvas');
    canvas.width = this.cols;
    canvas.height = this.rows;
    const image = new ImageData(new Uint8ClampedArray(this.data.buffer), this.cols, this.rows);
    canvas.getContext('2d')!.putImageData(image, 0, 0);
    ctx.drawImage(
      canvas,
      -this.margin,
      -this.margin,
      this.width + 2 * this.margin,
      this.height + 2 * this.margin,
    );
  }
}

const packed = new Map<string, number>();

/** `#rrggbb` as the Uint32 of an opaque RGBA pixel (little-endian: A B G R from the top byte). */
export function pixelColor(hex: string): number {
  let v = packed.get(hex);
  if (v === undefined) {
    const n = Number.parseInt(hex.slice(1, 7), 16);
    v = ((0xff << 24) | ((n & 0xff) << 16) | (n & 0xff00) | ((n >> 16) & 0xff)) >>> 0;
    packed.set(hex, v);
  }
  return v;
}
