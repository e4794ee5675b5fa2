// The impact/effort grid as a view of the board (domain/voting.py's grid.place and
// grid.remove): impact up, effort right, both 0–10. Items are dragged from the side list onto
// the grid and about on it, or moved with the arrow keys in steps of STEP; a keyboard move is
// one grid.place, sent when the person pauses or presses Enter. Everyone's places show live.
// Just over 200 lines: the pointer drag and the keyboard drafts share the placing.
import { itemTitle } from "./facilitation.js";

const $ = (id) => document.getElementById(id);
const MAX = 10;
const STEP = 0.5;
const PAUSE_MS = 800; // a keyboard move is sent once the keys rest this long
const shorten = (text, max = 40) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const clamp = (v) => Math.min(MAX, Math.max(0, Math.round(v / STEP) * STEP));
const placeText = (p) => `impact ${p.impact}, effort ${p.effort}`;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** What may go on the grid: clusters, then the notes everyone sees (domain: item_kind). */
export function gridItems(view) {
  const byPlace = (a, b) => a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : 1);
  return [
    ...Object.values(view.clusters).sort(byPlace).map((c) => ({ id: c.id, kind: "cluster", title: c.label })),
    ...Object.values(view.notes).filter((n) => !n.hidden).sort(byPlace)
      .map((n) => ({ id: n.id, kind: "note", title: n.text })),
  ];
}

export class GridView {
  /** host: as BoardViews' (send, refused). */
  constructor(host) {
    this.host = host;
    this.view = null; // the view last drawn
    this.latest = null; // the view last seen (the grid may not be showing)
    this.drafts = new Map(); // item id → {impact, effort} moved by keys, not yet sent
    this.timers = new Map();
    this.chips = new Map(); // item id → its button on the plane
    this.key = "";
  }

  get allowed() { return !this.host.refused("grid.place"); }

  wire() {
    for (const list of [$("grid-pool"), $("grid-plane")]) {
      list.addEventListener("pointerdown", (ev) => this.pointerDown(ev));
      list.addEventListener("keydown", (ev) => this.keyDown(ev));
    }
    $("grid-placed").addEventListener("click", (ev) => {
      const remove = ev.target.closest("button.remove");
      if (remove) this.remove(remove.dataset.id);
    });
    $("decision-item").addEventListener("change", () => this.latest && this.renderEvidence(this.latest));
  }

  /** Where an item shows: its keyboard draft, else its recorded place, else nowhere. */
  placeOf(id) { return this.drafts.get(id) ?? this.view.grid[id] ?? null; }

  render(view) {
    this.view = view;
    const items = gridItems(view);
    const placed = items.filter((i) => this.placeOf(i.id));
    const key = JSON.stringify([items, placed.map((i) => this.placeOf(i.id)), this.allowed]);
    if (key === this.key) return;
    this.key = key;
    const why = this.host.refused("grid.place");
    $("grid-why").hidden = !why;
    $("grid-why").textContent = why ?? "";
    this.renderPool(items.filter((i) => !this.placeOf(i.id)));
    this.renderPlane(placed);
    this.renderPlaced(placed);
  }

  renderPool(items) {
    const focused = document.activeElement?.closest("#grid-pool [data-id]")?.dataset.id;
    $("grid-pool").replaceChildren(...items.map((item) => {
      const li = el("li");
      const chip = el(this.allowed ? "button" : "span", `grid-chip kind-${item.kind}`, shorten(item.title));
      chip.dataset.id = item.id;
      if (this.allowed) {
        chip.type = "button";
        chip.setAttribute("aria-label", `${item.kind === "cluster" ? "Cluster" : "Note"} “${shorten(item.title)}”: `
          + "not on the grid; drag it there, or press an arrow key or Enter to place it");
      }
      li.append(chip);
      return li;
    }));
    if (focused) this.refocus(focused);
    $("grid-pool-empty").hidden = items.length > 0;
  }

  renderPlane(placed) {
    const plane = $("grid-plane");
    const seen = new Set();
    for (const item of placed) {
      seen.add(item.id);
      let chip = this.chips.get(item.id);
      if (!chip) {
        chip = el(this.allowed ? "button" : "span", `grid-chip on-grid kind-${item.kind}`);
        if (this.allowed) chip.type = "button";
        chip.dataset.id = item.id;
        this.chips.set(item.id, chip);
        plane.append(chip);
      }
      const p = this.placeOf(item.id);
      chip.textContent = shorten(item.title, 24);
      chip.classList.toggle("draft", this.drafts.has(item.id));
      chip.style.left = `${(p.effort / MAX) * 100}%`;
      chip.style.top = `${(1 - p.impact / MAX) * 100}%`;
      chip.dataset.impact = String(p.impact);
      chip.dataset.effort = String(p.effort);
      chip.setAttribute("aria-label", `“${shorten(item.title)}”: ${placeText(p)}`
        + (this.allowed ? "; arrow keys move it, Enter records, Delete takes it off" : ""));
    }
    for (const [id, chip] of this.chips) if (!seen.has(id)) { chip.remove(); this.chips.delete(id); }
  }

  renderPlaced(placed) {
    $("grid-placed").replaceChildren(...placed.map((item) => {
      const li = el("li", "", `${shorten(item.title)} · ${placeText(this.placeOf(item.id))}`);
      if (this.allowed) {
        const remove = el("button", "remove", "Remove");
        remove.type = "button";
        remove.dataset.id = item.id;
        remove.setAttribute("aria-label", `Take “${shorten(item.title)}” off the grid`);
        li.append(" ", remove);
      }
      return li;
    }));
  }

  refocus(id) {
    const chip = this.chips.get(id) ?? $("grid-pool").querySelector(`[data-id="${CSS.escape(id)}"]`);
    chip?.focus();
  }

  // ------------------------------------------------------------ placing

  /** Record `id` at `place` (one grid.place) and say so. */
  place(id, place) {
    const at = { impact: clamp(place.impact), effort: clamp(place.effort) };
    this.drafts.delete(id);
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    const now = this.view.grid[id];
    if (!now || now.impact !== at.impact || now.effort !== at.effort) {
      this.host.send({ type: "grid.place", item_id: id, ...at });
    }
    $("grid-status").textContent = `“${shorten(itemTitle(this.view, id))}” placed: ${placeText(at)}`;
  }

  remove(id) {
    this.drafts.delete(id);
    clearTimeout(this.timers.get(id));
    if (this.view.grid[id]) this.host.send({ type: "grid.remove", item_id: id });
    $("grid-status").textContent = `“${shorten(itemTitle(this.view, id))}” taken off the grid`;
    $("grid-plane").focus();
  }

  keyDown(ev) {
    const chip = ev.target.closest("[data-id]");
    if (!chip || !this.allowed) return;
    const id = chip.dataset.id;
    const arrows = { ArrowUp: [STEP, 0], ArrowDown: [-STEP, 0], ArrowRight: [0, STEP], ArrowLeft: [0, -STEP] };
    const start = this.placeOf(id) ?? { impact: MAX / 2, effort: MAX / 2 };
    if (arrows[ev.key]) {
      ev.preventDefault();
      const [di, de] = arrows[ev.key].map((d) => d * (ev.shiftKey ? 4 : 1));
      this.drafts.set(id, { impact: clamp(start.impact + di), effort: clamp(start.effort + de) });
      clearTimeout(this.timers.get(id));
      this.timers.set(id, setTimeout(() => this.drafts.has(id) && this.place(id, this.drafts.get(id)), PAUSE_MS));
      this.render(this.view);
      this.refocus(id);
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      this.place(id, start);
      this.render(this.view);
      this.refocus(id);
    } else if (ev.key === "Escape" && this.drafts.has(id)) {
      ev.preventDefault();
      this.drafts.delete(id);
      clearTimeout(this.timers.get(id));
      this.render(this.view);
      this.refocus(id);
    } else if ((ev.key === "Delete" || ev.key === "Backspace") && this.placeOf(id)) {
      ev.preventDefault();
      this.remove(id);
    }
  }

  /** The point under the pointer as a place on the grid, or null outside it. */
  pointAt(ev) {
    const box = $("grid-plane").getBoundingClientRect();
    const x = (ev.clientX - box.left) / box.width;
    const y = (ev.clientY - box.top) / box.height;
    if (x < 0 || x > 1 || y < 0 || y > 1) return null;
    return { impact: clamp((1 - y) * MAX), effort: clamp(x * MAX) };
  }

  /** A drag from the side or about the grid. It listens on the window, so a drag goes on
   * while live updates redraw the item it started on. */
  pointerDown(down) {
    const chip = down.target.closest("[data-id]");
    if (!chip || !this.allowed || down.button !== 0) return;
    down.preventDefault(); // no text selection, no focus jump while dragging
    const id = chip.dataset.id;
    const ghost = chip.cloneNode(true);
    ghost.className = `${chip.className} ghost`;
    ghost.removeAttribute("aria-label");
    ghost.setAttribute("aria-hidden", "true");
    let moved = false;
    const move = (ev) => {
      if (ev.pointerId !== down.pointerId) return;
      if (!moved && Math.hypot(ev.clientX - down.clientX, ev.clientY - down.clientY) < 4) return;
      if (!moved) { moved = true; document.body.append(ghost); chip.classList.add("lifted"); }
      ghost.style.left = `${ev.clientX}px`;
      ghost.style.top = `${ev.clientY}px`;
    };
    const up = (ev) => {
      if (ev.pointerId !== down.pointerId) return;
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", up);
      ghost.remove();
      chip.classList.remove("lifted");
      const at = moved && ev.type === "pointerup" ? this.pointAt(ev) : null;
      if (at) this.place(id, at);
      if (!moved) chip.focus(); // a tap or click selects it for the keys
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", up);
  }

  // ------------------------------------------------------------ evidence

  /** The decision form says what the chosen item's grid place adds to the decision's evidence
   * (domain/decisions.py records it with the decision). */
  renderEvidence(view) {
    this.latest = view;
    const line = $("decision-grid");
    const id = $("decision-item").value;
    const p = id ? view.grid[id] : null;
    const text = !id ? "" : p ? `Evidence from the grid: ${placeText(p)} (recorded with the decision).`
      : "Not on the grid: place it in the Grid view to record its impact and effort with the decision.";
    if (line.textContent !== text) line.textContent = text;
  }
}
