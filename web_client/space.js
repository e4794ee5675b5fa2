// The board's canvas as a space to move about in: zoom (ctrl+wheel, a trackpad or touch
// pinch, + and − keys, buttons), pan (scrolling, space+drag or middle-button drag, ctrl+arrow
// keys), fit to content (0) and zoom to a cluster. The viewport scrolls natively over a
// sizer as large as the scaled canvas; the canvas (board coordinates) is scaled inside it.
// Plain drag on empty canvas is left to other tools (selection).

export const ZOOM_MIN = 0.1;
export const ZOOM_MAX = 2.5;
const STEP = 1.25; // one press of + or −
const ROOM = 400; // board units beyond the content the canvas reaches, right and down
const BEFORE = 200; // and left and up, when content lies left of or above the origin
const PAN = 80; // screen pixels a ctrl+arrow pans (shift: a screenful)
const DOTS = 24; // the background's grid, in board units

const typing = (el) => Boolean(el.closest("input, textarea, select, [contenteditable]"));

export class CanvasSpace {
  /** `onZoom(scale)` is told each new scale (to show it). */
  constructor(viewport, sizer, canvas, onZoom = () => {}) {
    this.viewport = viewport;
    this.sizer = sizer;
    this.canvas = canvas;
    this.onZoom = onZoom;
    this.scale = 1;
    this.origin = { x: 0, y: 0 }; // the board point at the sizer's top left
    this.bounds = null; // what the items cover
    this.spaceHeld = false;
    this.touches = new Map();
  }

  wire() {
    const vp = this.viewport;
    vp.addEventListener("wheel", (ev) => this.wheel(ev), { passive: false });
    vp.addEventListener("pointerdown", (ev) => this.panStart(ev), { capture: true });
    // The middle button pans here: not the browser's autoscroll or paste.
    vp.addEventListener("mousedown", (ev) => { if (ev.button === 1) ev.preventDefault(); });
    vp.addEventListener("keydown", (ev) => this.key(ev), { capture: true });
    for (const kind of ["pointerdown", "pointermove", "pointerup", "pointercancel"]) {
      vp.addEventListener(kind, (ev) => this.pinch(ev));
    }
    document.addEventListener("keydown", (ev) => {
      if (ev.key !== " " || typing(ev.target) || ev.target.closest("button")) return;
      this.spaceHeld = true;
      // Space on the canvas itself would scroll it a screen down.
      if (ev.target === vp || ev.target === this.canvas) ev.preventDefault();
      vp.classList.add("panning");
    });
    document.addEventListener("keyup", (ev) => {
      if (ev.key === " ") { this.spaceHeld = false; vp.classList.remove("panning"); }
    });
    window.addEventListener("blur", () => { this.spaceHeld = false; vp.classList.remove("panning"); });
    window.addEventListener("resize", () => this.layout());
  }

  // ------------------------------------------------------------ coordinates

  /** The board point under a screen (client) point. */
  toBoard(clientX, clientY) {
    const box = this.sizer.getBoundingClientRect();
    return { x: (clientX - box.left) / this.scale + this.origin.x,
      y: (clientY - box.top) / this.scale + this.origin.y };
  }

  /** The viewport's inner box on screen. */
  screen() {
    const box = this.viewport.getBoundingClientRect();
    const left = box.left + this.viewport.clientLeft;
    const top = box.top + this.viewport.clientTop;
    return { left, top, w: this.viewport.clientWidth, h: this.viewport.clientHeight };
  }

  /** The board point at the centre of what the viewport shows: where new items go near. */
  centre() {
    const s = this.screen();
    const point = this.toBoard(s.left + s.w / 2, s.top + s.h / 2);
    return { x: Math.round(point.x), y: Math.round(point.y) };
  }

  /** Show board point `board` at screen point `client`. */
  keep(board, client) {
    const s = this.screen();
    this.viewport.scrollLeft = (board.x - this.origin.x) * this.scale - (client.x - s.left);
    this.viewport.scrollTop = (board.y - this.origin.y) * this.scale - (client.y - s.top);
  }

  // ------------------------------------------------------------ layout

  /** After a render: `bounds` ({x0, y0, x1, y1} | null) is what the items cover now. */
  update(bounds) {
    this.bounds = bounds;
    this.layout();
  }

  /** Size the sizer to the scaled canvas and place the canvas in it; what is on screen stays. */
  layout() {
    const b = this.bounds;
    const s = this.screen();
    const origin = { x: Math.min(0, Math.floor((b?.x0 ?? 0) - BEFORE)),
      y: Math.min(0, Math.floor((b?.y0 ?? 0) - BEFORE)) };
    const width = Math.max(1600, (b?.x1 ?? 0) + ROOM) - origin.x;
    const height = Math.max(1000, (b?.y1 ?? 0) + ROOM) - origin.y;
    const sizerW = Math.max(Math.ceil(width * this.scale), s.w);
    const sizerH = Math.max(Math.ceil(height * this.scale), s.h);
    const moved = origin.x !== this.origin.x || origin.y !== this.origin.y;
    const topLeft = moved ? this.toBoard(s.left, s.top) : null;
    this.origin = origin;
    const style = this.sizer.style;
    const w = `${sizerW}px`;
    const h = `${sizerH}px`;
    if (style.width !== w) style.width = w;
    if (style.height !== h) style.height = h;
    const transform = `scale(${this.scale}) translate(${-origin.x}px, ${-origin.y}px)`;
    if (this.canvas.style.transform !== transform) {
      this.canvas.style.transform = transform;
      const dots = DOTS * this.scale;
      style.backgroundSize = `${dots}px ${dots}px`;
      style.backgroundPosition = `${(-origin.x * this.scale) % dots}px ${(-origin.y * this.scale) % dots}px`;
    }
    if (topLeft) this.keep(topLeft, { x: s.left, y: s.top });
  }

  // ------------------------------------------------------------ zoom and pan

  /** Zoom to `scale` keeping the board point under `client` (the viewport's centre) still. */
  zoomTo(scale, client = null) {
    const s = this.screen();
    const at = client ?? { x: s.left + s.w / 2, y: s.top + s.h / 2 };
    const board = this.toBoard(at.x, at.y);
    this.scale = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, scale));
    this.layout();
    this.keep(board, at);
    this.onZoom(this.scale);
  }

  zoomBy(factor, client = null) { this.zoomTo(this.scale * factor, client); }

  /** Show the board rectangle `rect` ({x0, y0, x1, y1}) whole, centred, at most at `most`. */
  show(rect, most = 1) {
    const s = this.screen();
    const pad = 40;
    const fits = Math.min((s.w - 2 * pad) / (rect.x1 - rect.x0), (s.h - 2 * pad) / (rect.y1 - rect.y0));
    this.scale = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, Math.min(most, fits)));
    this.layout();
    this.keep({ x: (rect.x0 + rect.x1) / 2, y: (rect.y0 + rect.y1) / 2 },
      { x: s.left + s.w / 2, y: s.top + s.h / 2 });
    this.onZoom(this.scale);
  }

  /** Everything on the board in view (the top left at 100 % on an empty board). */
  fit() {
    if (this.bounds) this.show(this.bounds);
    else this.show({ x0: 0, y0: 0, x1: 400, y1: 300 });
  }

  wheel(ev) {
    if (!ev.ctrlKey && !ev.metaKey) return; // a plain wheel scrolls: the native pan
    ev.preventDefault();
    this.zoomBy(Math.exp(-ev.deltaY * 0.002), { x: ev.clientX, y: ev.clientY });
  }

  /** Middle-button drag, or space+drag, pans (before any tool on the canvas sees it). */
  panStart(down) {
    if (!(down.button === 1 || (down.button === 0 && this.spaceHeld))) return;
    down.preventDefault();
    down.stopPropagation();
    const vp = this.viewport;
    const start = { left: vp.scrollLeft, top: vp.scrollTop };
    vp.setPointerCapture(down.pointerId);
    vp.classList.add("panning");
    const move = (ev) => {
      vp.scrollLeft = start.left - (ev.clientX - down.clientX);
      vp.scrollTop = start.top - (ev.clientY - down.clientY);
    };
    const up = () => {
      vp.removeEventListener("pointermove", move);
      vp.removeEventListener("pointerup", up);
      vp.removeEventListener("pointercancel", up);
      if (!this.spaceHeld) vp.classList.remove("panning");
    };
    vp.addEventListener("pointermove", move);
    vp.addEventListener("pointerup", up);
    vp.addEventListener("pointercancel", up);
  }

  /** Two fingers on a touch screen: pinch zooms about their middle. */
  pinch(ev) {
    if (ev.pointerType !== "touch") return;
    if (ev.type === "pointerup" || ev.type === "pointercancel") {
      this.touches.delete(ev.pointerId);
      this.pinching = null;
      return;
    }
    this.touches.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    if (this.touches.size !== 2) return;
    const [a, b] = [...this.touches.values()];
    const apart = Math.hypot(a.x - b.x, a.y - b.y);
    const middle = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    if (!this.pinching) { this.pinching = { apart, scale: this.scale }; return; }
    this.zoomTo(this.pinching.scale * (apart / this.pinching.apart), middle);
  }

  /** + and − zoom, 0 fits, ctrl+arrows pan (shift: a screenful), on the canvas and its notes. */
  key(ev) {
    if (typing(ev.target) || ev.altKey) return;
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if ((ev.ctrlKey || ev.metaKey) && arrows[ev.key]) {
      ev.preventDefault();
      ev.stopPropagation(); // not a note move
      const [dx, dy] = arrows[ev.key];
      const s = this.screen();
      const step = ev.shiftKey ? Math.min(s.w, s.h) * 0.8 : PAN;
      this.viewport.scrollLeft += dx * step;
      this.viewport.scrollTop += dy * step;
      return;
    }
    if (ev.ctrlKey || ev.metaKey) return; // ctrl + and ctrl 0 stay the browser's own zoom
    const zooms = { "+": STEP, "=": STEP, "-": 1 / STEP, _: 1 / STEP };
    if (zooms[ev.key]) {
      ev.preventDefault();
      this.zoomBy(zooms[ev.key]);
    } else if (ev.key === "0") {
      ev.preventDefault();
      this.fit();
    }
  }
}
