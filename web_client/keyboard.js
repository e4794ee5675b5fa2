// The board's canvas by keyboard: a note (or a cluster) nudged with the arrow keys shows where
// it goes at once and is recorded as one move when the person stops (a pause, Enter, or focus
// moving on), so it joins or leaves a cluster only where it lands; and the reading order that
// Tab follows across the canvas (docs/architecture.md, "The board page by keyboard").

/** Quiet after the last arrow key before a nudged item is recorded where it is. */
export const SETTLE_MS = 600;
/** Items whose tops are within one band read as one row, left to right. */
const ROW_BAND = 60;

export class Nudge {
  /** `land(held)` records an item's move once it comes to rest. `held.kind` is "note" or
   * "cluster" (`x`, `y`: where it goes), or "selection" (`ids` the notes, `x`, `y` how far
   * they all go). Until then `overlay` shows it where it is going. */
  constructor(land) {
    this.land = land;
    this.held = null; // {kind, id, x, y, ids}
    this.timer = 0;
  }

  /** Move the item (a note or cluster of the view, or {id: "selection", x: 0, y: 0}) by
   * (dx, dy) from where it is shown now; recorded after SETTLE_MS without another nudge. */
  by(kind, item, dx, dy, ids = []) {
    if (this.held && (this.held.id !== item.id || this.held.kind !== kind)) this.settle();
    const from = this.held ?? item;
    this.hold(kind, item.id, from.x + dx, from.y + dy, ids);
    this.timer = setTimeout(() => this.settle(), SETTLE_MS);
  }

  /** Show the item at (x, y) until `settle` or `cancel` (a mouse drag: no timer). */
  hold(kind, id, x, y, ids = []) {
    clearTimeout(this.timer);
    this.held = { kind, id, x, y, ids };
  }

  /** Record the held item where it is now (Enter, focus moving on, or the pause). */
  settle() {
    clearTimeout(this.timer);
    const held = this.held;
    this.held = null;
    if (held) this.land(held);
  }

  /** Put the held item back where it was (Escape): nothing is recorded. */
  cancel() {
    clearTimeout(this.timer);
    this.held = null;
  }

  holds(kind, id) { return this.held?.kind === kind && this.held.id === id; }

  /** `view` with the nudged item shown where it is going (a cluster takes its notes along). */
  overlay(view) {
    const held = this.held;
    if (!held) return view;
    if (held.kind === "note") return shifted(view, [held.id], held, view.notes[held.id]);
    if (held.kind === "selection") return shifted(view, held.ids, held, { x: 0, y: 0 });
    const cluster = view.clusters[held.id];
    if (!cluster) return view;
    const members = Object.values(view.notes).filter((n) => n.cluster_id === held.id).map((n) => n.id);
    const next = shifted(view, members, held, cluster);
    return { ...next, clusters: { ...view.clusters, [held.id]: { ...cluster, x: held.x, y: held.y } } };
  }
}

/** `view` with the notes `ids` moved by `to` − `from` (both {x, y}). */
function shifted(view, ids, to, from) {
  if (!from) return view;
  const notes = { ...view.notes };
  for (const id of ids) {
    const n = view.notes[id];
    if (n) notes[id] = { ...n, x: n.x + to.x - from.x, y: n.y + to.y - from.y };
  }
  return { ...view, notes };
}

/** Arrow key → the step it moves by (Shift: a bigger step), or null (Control, Alt or Meta
 * with an arrow is not a move: Control pans the canvas). */
export function arrowStep(ev) {
  if (ev.ctrlKey || ev.altKey || ev.metaKey) return null;
  const step = ev.shiftKey ? 50 : 10;
  const arrows = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  return arrows[ev.key] ?? null;
}

function reading(a, b) {
  return Math.floor(a.y / ROW_BAND) - Math.floor(b.y / ROW_BAND) || a.x - b.x || a.y - b.y;
}

/** Note and cluster ids in the order a person reads the board: top to bottom (in bands of
 * ROW_BAND px), left to right; each cluster followed by its own notes in the same order. */
export function readingOrder(view, rects) {
  const members = new Map();
  const top = [];
  for (const c of Object.values(view.clusters)) {
    const r = rects.get(c.id);
    members.set(c.id, []);
    top.push({ id: c.id, x: r?.x0 ?? c.x, y: r?.y0 ?? c.y });
  }
  for (const n of Object.values(view.notes)) {
    const inside = members.get(n.cluster_id);
    (inside ?? top).push({ id: n.id, x: n.x, y: n.y });
  }
  const order = [];
  for (const item of top.sort(reading)) {
    order.push(item.id);
    for (const n of (members.get(item.id) ?? []).sort(reading)) order.push(n.id);
  }
  return order;
}

/** Put `elements` (children of `parent`, or new ones to put in) in this order, before any other
 * child, never moving the one that holds focus: moving it would drop the focus (and end an edit
 * in it). */
export function arrange(parent, elements) {
  const keep = elements.find((el) => el.contains(document.activeElement)) ?? null;
  const at = keep ? elements.indexOf(keep) : elements.length;
  let before = keep ?? firstOther(parent, elements);
  for (let i = at - 1; i >= 0; i--) { // those before the focused one, backwards
    const el = elements[i];
    if (el.parentNode !== parent || el.nextElementSibling !== before) parent.insertBefore(el, before);
    before = elements[i];
  }
  let after = keep;
  for (let i = at + 1; i < elements.length; i++) {
    if (after.nextElementSibling !== elements[i]) after.after(elements[i]);
    after = elements[i];
  }
}

function firstOther(parent, elements) {
  const items = new Set(elements);
  for (const child of parent.children) if (!items.has(child)) return child;
  return null;
}

/** The item to focus once `el` is gone: the next in reading order, else the one before. */
export function neighbour(el) {
  const items = (node, step) => {
    for (let n = node[step]; n; n = n[step]) if (n.matches(".note, .cluster")) return n;
    return null;
  };
  return items(el, "nextElementSibling") ?? items(el, "previousElementSibling");
}
