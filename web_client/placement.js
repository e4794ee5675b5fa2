// Where the board puts a new note or cluster sent without a position: the page's guess of
// domain/placement.py `place_near`, so a note shows at once where the server will put it
// (the server decides; on a board with notes this page cannot see, the note moves there).
import { CLUSTER_MIN, NOTE_MAX_H, NOTE_W, clusterRects } from "./board.js";

const GAP = 24; // domain/layout.py GAP and MARGIN
const MARGIN = 24;

/** The top left nearest to (x, y) (both at least MARGIN) of a w×h block keeping GAP from
 * every rectangle of `taken` ({x0, y0, x1, y1}): the highest, then leftmost, on a tie. */
export function placeNear(taken, w, h, x, y) {
  const wantX = Math.max(MARGIN, x);
  const wantY = Math.max(MARGIN, y);
  const clear = taken.map((r) => ({ x0: r.x0 - GAP, y0: r.y0 - GAP, x1: r.x1 + GAP, y1: r.y1 + GAP }));
  const rows = new Set([wantY, MARGIN]);
  for (const r of clear) { rows.add(r.y1); rows.add(r.y0 - h); }
  const order = [...rows].filter((r) => r >= MARGIN)
    .sort((a, b) => Math.abs(a - wantY) - Math.abs(b - wantY) || a - b);
  let best = null;
  for (const row of order) {
    if (best && (row - wantY) ** 2 > best[0]) break;
    const band = clear.filter((r) => r.y0 < row + h && row < r.y1);
    const column = nearestFree(band, w, wantX);
    const found = [(column - wantX) ** 2 + (row - wantY) ** 2, row, column];
    if (!best || found[0] < best[0] || (found[0] === best[0]
      && (found[1] < best[1] || (found[1] === best[1] && found[2] < best[2])))) best = found;
  }
  return { x: best[2], y: best[1] };
}

function nearestFree(band, w, want) {
  const spans = band.map((r) => [r.x0 - w, r.x1]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const blocked = [];
  for (const [lo, hi] of spans) {
    const last = blocked.at(-1);
    if (last && lo < last[1]) last[1] = Math.max(last[1], hi);
    else blocked.push([lo, hi]);
  }
  for (const [lo, hi] of blocked) {
    if (lo < want && want < hi) return lo >= MARGIN && want - lo <= hi - want ? lo : hi;
  }
  return want;
}

/** What the view's notes and clusters cover, every note at its greatest height. */
export function occupiedRects(view) {
  const heights = new Map(Object.keys(view.notes).map((id) => [id, NOTE_MAX_H]));
  const taken = [...clusterRects(view, heights).values()];
  for (const n of Object.values(view.notes)) {
    taken.push({ x0: n.x, y0: n.y, x1: n.x + NOTE_W, y1: n.y + NOTE_MAX_H });
  }
  return taken;
}

/** Where a new note (or cluster, `kind` "cluster") sent with `near` goes on `view`. */
export function spotNear(view, kind, near) {
  const [w, h] = kind === "cluster" ? [CLUSTER_MIN.w, CLUSTER_MIN.h] : [NOTE_W, NOTE_MAX_H];
  const centre = near ?? { x: MARGIN + w / 2, y: MARGIN + h / 2 };
  return placeNear(occupiedRects(view), w, h, centre.x - w / 2, centre.y - h / 2);
}
