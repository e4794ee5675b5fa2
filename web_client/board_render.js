// The canvas of a board: one element per note, cluster and cursor, updated in place from the
// folded view (board.js), in the board's reading order (keyboard.js) and where people put them.
import { clusterRects, COLOURS, NOTE_H, NOTE_MAX_H, NOTE_W } from "./board.js";
import { cardLabel, renderCard } from "./card.js";
import { el as make, setAttr, setHidden } from "./dom.js";
import { extrasElement, groupTag, groupTagElement, renderExtras } from "./item_extras.js";
import { arrange, readingOrder } from "./keyboard.js";

function hue(text) {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.codePointAt(0)) % 360;
  return h;
}

// The first note and cluster elements, built as below: each other is a copy of them, which is
// quicker to make than building it again (a board of a thousand items makes them all at once).
let noteMade = null;
let clusterMade = null;

/** A focusable item of the canvas: a group that says what it is. */
function item(tag, className, roleDescription) {
  const el = make(tag, className);
  el.dataset.id = "";
  el.tabIndex = 0;
  el.setAttribute("role", "group");
  el.setAttribute("aria-roledescription", roleDescription);
  return el;
}

function buildNote() {
  const el = item("div", "", "sticky note");
  const foot = make("div", "foot");
  const secret = make("span", "private-mark", "private");
  secret.title = "Only you see this note until the facilitator reveals the notes";
  foot.append(groupTagElement(), make("span", "mine", "yours"), secret, extrasElement());
  const remove = make("button", "delete", "×");
  remove.type = "button";
  remove.setAttribute("aria-label", "Delete note");
  remove.title = "Delete note";
  el.append(make("p", "text"), foot, remove);
  return el;
}

function buildCluster() {
  const el = item("section", "cluster", "cluster");
  const head = make("div", "head");
  head.append(make("h2", "label"), groupTagElement(), extrasElement());
  el.append(head);
  return el;
}

export class BoardRenderer {
  /** Keeps one element per note, cluster and cursor; updates them in place. */
  constructor(canvas) {
    this.canvas = canvas;
    this.notes = new Map();
    this.clusters = new Map();
    this.cursors = new Map();
    this.rects = new Map();
    this.parts = new WeakMap(); // an item's element → the parts of it render updates
    this.last = null; // the view and ui last drawn
    this.refitting = 0;
    canvas.style.setProperty("--note-w", `${NOTE_W}px`);
    canvas.style.setProperty("--note-h", `${NOTE_H}px`);
    canvas.style.setProperty("--note-max-h", `${NOTE_MAX_H}px`);
  }

  /** Each drawn note's height. A note far from the screen is not laid out (style.css:
   * content-visibility) and counts at its least height until it is drawn (see refit). */
  heights() {
    const heights = new Map();
    for (const [id, el] of this.notes) heights.set(id, el.offsetHeight || NOTE_H);
    return heights;
  }

  /** A note just drawn near the screen may be taller than its cluster was fitted to: fit the
   * clusters again, once a frame at most, without drawing the notes again. */
  refit() {
    if (this.refitting || !this.last) return;
    this.refitting = requestAnimationFrame(() => {
      this.refitting = 0;
      const rects = clusterRects(this.last.view, this.heights());
      const same = [...rects].every(([id, r]) => this.rects.get(id)?.y1 === r.y1);
      if (same) return;
      this.rects = rects;
      this.placeClusters();
    });
  }

  /**
   * ui: {me: {id (as this view names people), role}, movable, mayEdit(note) → bool, dragging,
   * editing, pending: Set of note ids, cursors: [{key, name, x, y, typing}],
   * ballot: {round, canVote, mine: {item → dots}, showTallies} | null,
   * results: Map item → {rank, votes, of}, outcomes: Map item → outcome}
   */
  render(view, ui) {
    this.last = { view, ui };
    this.renderNotes(view, ui);
    this.renderClusters(view, ui);
    // Tab follows the board's layout, not the order items were made in. A new item goes in at
    // its place here, before anything is measured, so a board is laid out once when it comes,
    // not once as made and again as put in order (the order needs only the clusters' top left,
    // which the notes' heights do not move).
    arrange(this.canvas, readingOrder(view, clusterRects(view))
      .map((id) => this.notes.get(id) ?? this.clusters.get(id)));
    this.rects = clusterRects(view, this.heights());
    this.placeClusters();
    this.renderCursors(ui.cursors);
    // What the items cover, in board coordinates (null: nothing); the canvas grows with it.
    const b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    const cover = (x0, y0, x1, y1) => {
      b.x0 = Math.min(b.x0, x0); b.y0 = Math.min(b.y0, y0);
      b.x1 = Math.max(b.x1, x1); b.y1 = Math.max(b.y1, y1);
    };
    for (const r of this.rects.values()) cover(r.x0, r.y0, r.x1, r.y1);
    for (const n of Object.values(view.notes)) cover(n.x, n.y, n.x + NOTE_W, n.y + NOTE_H);
    this.bounds = Number.isFinite(b.x0) ? b : null;
    this.canvas.style.width = `${Math.max(1600, b.x1 + 400)}px`;
    this.canvas.style.height = `${Math.max(1000, b.y1 + 300)}px`;
  }

  renderNotes(view, ui) {
    for (const [id, el] of this.notes) {
      if (!view.notes[id]) { el.remove(); this.notes.delete(id); }
    }
    for (const note of Object.values(view.notes)) {
      let el = this.notes.get(note.id);
      if (!el) { el = this.noteElement(note); this.notes.set(note.id, el); } // put in by render
      const parts = this.parts.get(el);
      // Its classes are these alone (a class another part of the page gave it is dropped, to be
      // given again if it still holds); written only if they change (see setHidden).
      const classes = [`note ${COLOURS.includes(note.colour) ? note.colour : "yellow"}`];
      if (ui.pending.has(note.id)) classes.push("pending");
      if (ui.movable) classes.push("movable");
      if (ui.dragging === note.id || ui.nudging === note.id) classes.push("dragging");
      if (ui.editing === note.id) classes.push("editing");
      if (note.hidden) classes.push("private");
      if (note.fields?.length) classes.push("card"); // renderCard's, not taken off to be put back
      const className = classes.join(" ");
      if (el.className !== className) el.className = className;
      el.dataset.cluster = note.cluster_id ?? "";
      if (ui.dragging !== note.id) {
        el.style.left = `${note.x}px`;
        el.style.top = `${note.y}px`;
      }
      if (parts.text.textContent !== note.text) parts.text.textContent = note.text;
      const group = note.origin?.group ?? "";
      setAttr(el, "aria-label", (note.fields?.length ? cardLabel(note)
        : `${note.hidden ? "Private note" : "Note"}: ${note.text}`)
        + (group ? ` (from ${group})` : ""));
      if (note.text.length > 100) el.title = note.text; // a long text is cut short on the note
      else el.removeAttribute("title");
      // Inside a cluster of the same group, the cluster's tag says it once for all its notes.
      const said = Boolean(group) && view.clusters[note.cluster_id]?.origin?.group === group;
      groupTag(parts.tag, said ? "" : group);
      renderCard(el, note);
      setHidden(parts.remove, !ui.mayEdit(note));
      setHidden(parts.mine, note.author !== ui.me.id);
      setHidden(parts.secret, !note.hidden);
      renderExtras(parts.extras, note.id, note.text, ui);
    }
  }

  noteElement(note) {
    noteMade ??= buildNote();
    const el = noteMade.cloneNode(true);
    el.dataset.id = note.id;
    el.addEventListener("contentvisibilityautostatechange", (ev) => { if (!ev.skipped) this.refit(); });
    const [text, foot, remove] = el.children;
    const [tag, mine, secret, extras] = foot.children;
    this.parts.set(el, { text, tag, mine, secret, extras, remove });
    return el;
  }

  /** An element for each cluster of `view`, drawn but for where it is and how big (put in and
   * placed by render); none for a cluster gone. */
  renderClusters(view, ui) {
    for (const [id, el] of this.clusters) {
      if (!view.clusters[id]) { el.remove(); this.clusters.delete(id); }
    }
    for (const cluster of Object.values(view.clusters)) {
      if (this.clusters.has(cluster.id)) continue;
      clusterMade ??= buildCluster();
      const el = clusterMade.cloneNode(true);
      el.dataset.id = cluster.id;
      const [label, tag, extras] = el.firstChild.children;
      this.parts.set(el, { label, tag, extras });
      this.clusters.set(cluster.id, el);
    }
    const counts = new Map();
    for (const n of Object.values(view.notes)) {
      if (n.cluster_id) counts.set(n.cluster_id, (counts.get(n.cluster_id) ?? 0) + 1);
    }
    for (const cluster of Object.values(view.clusters)) {
      const el = this.clusters.get(cluster.id);
      const parts = this.parts.get(el);
      const count = counts.get(cluster.id) ?? 0;
      const text = `${cluster.label}`;
      if (parts.label.textContent !== text) parts.label.textContent = text;
      el.dataset.count = String(count);
      const group = cluster.origin?.group ?? "";
      setAttr(el, "aria-label", `Cluster: ${cluster.label}, ${count} notes`
        + (group ? `, from ${group}` : ""));
      groupTag(parts.tag, group);
      renderExtras(parts.extras, cluster.id, cluster.label, ui);
    }
  }

  /** Each cluster where its region (`rects`) is. */
  placeClusters() {
    for (const [id, el] of this.clusters) {
      const r = this.rects.get(id);
      Object.assign(el.style, { left: `${r.x0}px`, top: `${r.y0}px`,
        width: `${r.x1 - r.x0}px`, height: `${r.y1 - r.y0}px` });
    }
  }

  renderCursors(cursors) {
    const seen = new Set();
    for (const c of cursors) {
      seen.add(c.key);
      let el = this.cursors.get(c.key);
      if (!el) {
        el = document.createElement("div");
        el.className = "cursor";
        el.setAttribute("aria-hidden", "true");
        el.innerHTML = '<svg width="16" height="20" viewBox="0 0 16 20"><path d="M1 1 L1 16 L5 12 L8 19 L11 18 L8 11 L14 11 Z"/></svg><span class="name"></span>';
        el.style.setProperty("--hue", String(hue(c.id)));
        this.cursors.set(c.key, el);
        this.canvas.append(el);
      }
      el.dataset.name = c.name;
      el.querySelector(".name").textContent = c.typing ? `${c.name} is typing…` : c.name;
      el.style.transform = `translate(${c.x}px, ${c.y}px)`;
    }
    for (const [key, el] of this.cursors) {
      if (!seen.has(key)) { el.remove(); this.cursors.delete(key); }
    }
  }
}
