// The board view: a fold of recorded events (the shape of projections/board_view.py), the
// optimistic overlay of commands not yet confirmed, and the DOM that shows it.
import { cardLabel, renderCard } from "./card.js";
import { arrange, readingOrder } from "./keyboard.js";
import {
  castRefusal, decidedOutcomes, facilitationDefaults, foldFacilitation, latestResults, openRound,
  OUTCOME_LABELS,
} from "./facilitation.js";
import { spotNear } from "./placement.js";

export const COLOURS = ["yellow", "pink", "blue", "green", "orange", "purple", "grey"];
// The sizes items are drawn at: domain/layout.py lays promoted items out by the same numbers
// (tests/web/test_layout_parity.py checks that they agree), so they never overlap here.
export const NOTE_W = 150;
export const NOTE_H = 110; // the least height; a long text grows a note up to NOTE_MAX_H
export const NOTE_MAX_H = 180;
export const CLUSTER_MIN = { w: 320, h: 200 };
/** Commands one `notes.batch` carries, at most (domain/board.py BATCH_MAX). */
export const BATCH_MAX = 200;
const PAD = 16;
const HEADER = 44;

export function emptyView(id) {
  return { id, workshop_id: "", title: "", kind: "breakout", version: 0, position: 0,
    updated_at: null, notes: {}, clusters: {}, ...facilitationDefaults() };
}

function without(map, key) {
  const { [key]: _gone, ...rest } = map;
  return rest;
}

/** The view after one event's data; `rec` is its envelope ({recorded_at, version, actor, …}). */
export function fold(view, data, rec) {
  const at = rec.recorded_at;
  const version = rec.version;
  const note = (id, changes) => (view.notes[id]
    ? { ...view, notes: { ...view.notes, [id]: { ...view.notes[id], ...changes, updated_at: at, version } } }
    : view);
  const cluster = (id, changes) => (view.clusters[id]
    ? { ...view, clusters: { ...view.clusters, [id]: { ...view.clusters[id], ...changes, version } } }
    : view);
  switch (data.type) {
    case "board.created":
      return { ...view, workshop_id: data.workshop_id, title: data.title, kind: data.kind };
    case "note.added":
      return { ...view, notes: { ...view.notes, [data.note_id]: {
        id: data.note_id, text: data.text, x: data.x, y: data.y, colour: data.colour ?? "yellow",
        author: data.author, cluster_id: null, created_at: at, updated_at: at, version,
        // Written during private writing: only its author gets this event (others: redacted).
        hidden: data.private_to != null, origin: null, fields: data.fields ?? [] } } };
    case "note.edited": return note(data.note_id, { text: data.text });
    case "note.moved": return note(data.note_id, { x: data.x, y: data.y });
    case "note.recoloured": return note(data.note_id, { colour: data.colour });
    case "note.clustered": return note(data.note_id, { cluster_id: data.cluster_id ?? null });
    case "note.deleted": return { ...view, notes: without(view.notes, data.note_id) };
    case "cluster.created":
      return { ...view, clusters: { ...view.clusters, [data.cluster_id]: {
        id: data.cluster_id, label: data.label, x: data.x, y: data.y, created_at: at, version,
        origin: null } } };
    case "cluster.renamed": return cluster(data.cluster_id, { label: data.label });
    case "cluster.moved": return cluster(data.cluster_id, { x: data.x, y: data.y });
    case "cluster.deleted": {
      let next = view;
      for (const id of data.released_note_ids ?? []) {
        next = fold(next, { type: "note.clustered", note_id: id, cluster_id: null }, rec);
      }
      return { ...next, clusters: without(next.clusters, data.cluster_id) };
    }
    case "cluster.merged": {
      let next = view;
      for (const id of data.moved_note_ids ?? []) {
        next = fold(next, { type: "note.clustered", note_id: id, cluster_id: data.into_cluster_id }, rec);
      }
      return { ...next, clusters: without(next.clusters, data.cluster_id) };
    }
    default: return foldFacilitation(view, data, rec);
  }
}

/** The view after a recorded event (as sent by the server: `data` is the event object).
 * A `redacted` placeholder (an event private to someone else) only advances the version. */
export function applyEvent(view, recorded) {
  const data = typeof recorded.data === "string" ? JSON.parse(recorded.data) : recorded.data;
  const next = recorded.type === "redacted" ? view : fold(view, data, recorded);
  return { ...next, version: recorded.version, position: recorded.position,
    updated_at: recorded.recorded_at };
}

const PAST = {
  "note.add": "note.added", "note.edit": "note.edited", "note.move": "note.moved",
  "note.recolour": "note.recoloured", "note.delete": "note.deleted",
  "note.cluster": "note.clustered", "cluster.create": "cluster.created",
  "cluster.rename": "cluster.renamed", "cluster.move": "cluster.moved",
  "cluster.delete": "cluster.deleted", "cluster.merge": "cluster.merged", "vote.cast": "vote.cast",
  "vote.retract": "vote.retracted", "grid.place": "grid.placed", "grid.remove": "grid.removed",
};

/** The notes of cluster `id` in `view`. */
function membersOf(view, id) {
  return Object.values(view.notes).filter((n) => n.cluster_id === id).map((n) => n.id);
}

/** The view as if `command` by `actor` ({id: as this view names them, role}) were already
 * recorded: the optimistic guess. Facilitation commands wait for the server. */
export function applyCommand(view, command, actor) {
  if (command.type === "notes.batch") {
    return command.commands.reduce((v, c) => applyCommand(v, c, actor), view);
  }
  const type = PAST[command.type];
  if (!type) return view;
  const data = { ...command, type };
  if ((type === "note.added" || type === "cluster.created") && command.x == null) {
    Object.assign(data, spotNear(view, type === "note.added" ? "note" : "cluster", command.near));
  }
  if (type === "note.added") {
    data.author = actor.id;
    data.colour = command.colour ?? "yellow";
    if (view.private_writing && actor.role !== "facilitator") data.private_to = actor.id;
  }
  if (type === "cluster.deleted") data.released_note_ids = membersOf(view, command.cluster_id);
  if (type === "cluster.merged") data.moved_note_ids = membersOf(view, command.cluster_id);
  if (type === "vote.cast" || type === "vote.retracted") {
    // Guess only what the server would accept: a dot past the budget never shows.
    const round = view.rounds[command.round_id];
    const mine = round?.votes[actor.id]?.[command.item_id] ?? 0;
    const refused = type === "vote.cast"
      ? castRefusal(round, actor.id, command.item_id)
        || (actor.role === "facilitator" && !round.facilitators_vote)
      : !(round?.open && mine);
    if (refused) return view;
    data.voter = actor.id;
  }
  return fold(view, data, { recorded_at: new Date().toISOString(), version: view.version });
}

/** May `me` ({id, role}) change this note's text, colour or existence? (domain/board.py) */
export function mayChangeNote(note, me) {
  return me.role === "facilitator" || (me.role === "participant" && note.author === me.id);
}

export function mayChangeBoard(me) {
  return me.role === "facilitator" || me.role === "participant";
}

/** Cluster regions: at least CLUSTER_MIN, grown around their notes (`skip`: a Set of notes to
 * ignore, or one note id). */
export function clusterRects(view, heights = new Map(), skip = null) {
  const skipped = skip instanceof Set ? skip : new Set([skip]);
  const rects = new Map();
  for (const c of Object.values(view.clusters)) {
    rects.set(c.id, { id: c.id, x0: c.x, y0: c.y, x1: c.x + CLUSTER_MIN.w, y1: c.y + CLUSTER_MIN.h });
  }
  for (const n of Object.values(view.notes)) {
    const r = n.cluster_id && !skipped.has(n.id) ? rects.get(n.cluster_id) : null;
    if (!r) continue;
    r.x0 = Math.min(r.x0, n.x - PAD);
    r.y0 = Math.min(r.y0, n.y - HEADER);
    r.x1 = Math.max(r.x1, n.x + NOTE_W + PAD);
    r.y1 = Math.max(r.y1, n.y + (heights.get(n.id) ?? NOTE_H) + PAD);
  }
  return rects;
}

/** The cluster whose region holds the point, or null (the last created wins on overlap). */
export function clusterAt(rects, x, y) {
  let found = null;
  for (const r of rects.values()) {
    if (x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1) found = r.id;
  }
  return found;
}

// --------------------------------------------------------------------------- rendering

/** The votes and outcomes drawn on items, for the renderer's `ui`: `selfId` names me in the
 * view; `canVote(round)` whether my dot buttons show (never, in a replay). */
export function itemMarks(view, selfId, canVote) {
  const round = openRound(view);
  return {
    ballot: round && { round, canVote: canVote(round), mine: round.votes[selfId] ?? {},
      showTallies: !round.hide_tallies },
    results: latestResults(view),
    outcomes: decidedOutcomes(view),
  };
}

function hue(text) {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.codePointAt(0)) % 360;
  return h;
}

export class BoardRenderer {
  /** Keeps one element per note, cluster and cursor; updates them in place. */
  constructor(canvas) {
    this.canvas = canvas;
    this.notes = new Map();
    this.clusters = new Map();
    this.cursors = new Map();
    this.rects = new Map();
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
      this.renderClusters(this.last.view, this.last.ui);
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
    this.rects = clusterRects(view, this.heights());
    this.renderClusters(view, ui);
    this.renderCursors(ui.cursors);
    // Tab follows the board's layout, not the order items were made in.
    arrange(this.canvas, readingOrder(view, this.rects)
      .map((id) => this.notes.get(id) ?? this.clusters.get(id)));
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
      if (!el) { el = this.noteElement(note); this.notes.set(note.id, el); this.canvas.append(el); }
      el.className = `note ${COLOURS.includes(note.colour) ? note.colour : "yellow"}`;
      el.classList.toggle("pending", ui.pending.has(note.id));
      el.classList.toggle("movable", ui.movable);
      el.classList.toggle("dragging", ui.dragging === note.id || ui.nudging === note.id);
      el.classList.toggle("editing", ui.editing === note.id);
      el.classList.toggle("private", Boolean(note.hidden));
      el.dataset.cluster = note.cluster_id ?? "";
      if (ui.dragging !== note.id) {
        el.style.left = `${note.x}px`;
        el.style.top = `${note.y}px`;
      }
      const text = el.querySelector(".text");
      if (text.textContent !== note.text) text.textContent = note.text;
      const group = note.origin?.group ?? "";
      el.setAttribute("aria-label", (note.fields?.length ? cardLabel(note)
        : `${note.hidden ? "Private note" : "Note"}: ${note.text}`)
        + (group ? ` (from ${group})` : ""));
      if (note.text.length > 100) el.title = note.text; // a long text is cut short on the note
      else el.removeAttribute("title");
      // Inside a cluster of the same group, the cluster's tag says it once for all its notes.
      const said = Boolean(group) && view.clusters[note.cluster_id]?.origin?.group === group;
      groupTag(el.querySelector(".group-tag"), said ? "" : group);
      renderCard(el, note);
      el.querySelector(".delete").hidden = !ui.mayEdit(note);
      el.querySelector(".mine").hidden = note.author !== ui.me.id;
      el.querySelector(".private-mark").hidden = !note.hidden;
      renderExtras(el.querySelector(".extras"), note.id, note.text, ui);
    }
  }

  noteElement(note) {
    const el = document.createElement("div");
    el.dataset.id = note.id;
    el.addEventListener("contentvisibilityautostatechange", (ev) => { if (!ev.skipped) this.refit(); });
    el.tabIndex = 0;
    el.setAttribute("role", "group");
    el.setAttribute("aria-roledescription", "sticky note");
    const text = document.createElement("p");
    text.className = "text";
    const foot = document.createElement("div");
    foot.className = "foot";
    const mine = document.createElement("span");
    mine.className = "mine";
    mine.textContent = "yours";
    const secret = document.createElement("span");
    secret.className = "private-mark";
    secret.textContent = "private";
    secret.title = "Only you see this note until the facilitator reveals the notes";
    foot.append(groupTagElement(), mine, secret, extrasElement());
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "delete";
    remove.setAttribute("aria-label", "Delete note");
    remove.title = "Delete note";
    remove.textContent = "×";
    el.append(text, foot, remove);
    return el;
  }

  renderClusters(view, ui) {
    for (const [id, el] of this.clusters) {
      if (!view.clusters[id]) { el.remove(); this.clusters.delete(id); }
    }
    const counts = new Map();
    for (const n of Object.values(view.notes)) {
      if (n.cluster_id) counts.set(n.cluster_id, (counts.get(n.cluster_id) ?? 0) + 1);
    }
    for (const cluster of Object.values(view.clusters)) {
      let el = this.clusters.get(cluster.id);
      if (!el) {
        el = document.createElement("section");
        el.className = "cluster";
        el.dataset.id = cluster.id;
        el.tabIndex = 0;
        el.setAttribute("role", "group");
        el.setAttribute("aria-roledescription", "cluster");
        const head = document.createElement("div");
        head.className = "head";
        const label = document.createElement("h2");
        label.className = "label";
        head.append(label, groupTagElement(), extrasElement());
        el.append(head);
        this.clusters.set(cluster.id, el);
        this.canvas.prepend(el);
      }
      const r = this.rects.get(cluster.id);
      Object.assign(el.style, { left: `${r.x0}px`, top: `${r.y0}px`,
        width: `${r.x1 - r.x0}px`, height: `${r.y1 - r.y0}px` });
      const count = counts.get(cluster.id) ?? 0;
      const label = el.querySelector(".label");
      const text = `${cluster.label}`;
      if (label.textContent !== text) label.textContent = text;
      el.dataset.count = String(count);
      const group = cluster.origin?.group ?? "";
      el.setAttribute("aria-label", `Cluster: ${cluster.label}, ${count} notes`
        + (group ? `, from ${group}` : ""));
      groupTag(el.querySelector(".group-tag"), group);
      renderExtras(el.querySelector(".extras"), cluster.id, cluster.label, ui);
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

// --------------------------------------------------------------------------- item extras

/** The tag of a promoted copy: the group (source board) it came from. */
function groupTagElement() {
  const tag = document.createElement("span");
  tag.className = "group-tag";
  tag.setAttribute("aria-hidden", "true"); // said in the item's own label
  tag.hidden = true;
  return tag;
}

function groupTag(tag, group) {
  tag.hidden = !group;
  if (tag.textContent !== group) tag.textContent = group;
}

function button(className, text) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = text;
  return b;
}

/** The badges and ballot of a note or cluster; built once, then updated in place so that
 * keyboard focus stays on a dot button while the board re-renders. */
function extrasElement() {
  const extras = document.createElement("div");
  extras.className = "extras";
  const result = document.createElement("span");
  result.className = "badge result";
  const outcome = document.createElement("span");
  outcome.className = "badge outcome";
  const ballot = document.createElement("div");
  ballot.className = "ballot";
  ballot.setAttribute("role", "group");
  const tally = document.createElement("span");
  tally.className = "tally";
  const dots = document.createElement("span");
  dots.className = "my-dots";
  const shown = document.createElement("span");
  shown.setAttribute("aria-hidden", "true");
  const said = document.createElement("span");
  said.className = "visually-hidden";
  dots.append(shown, said);
  ballot.append(tally, dots, button("vote-remove", "−"), button("vote-add", "+ dot"));
  extras.append(result, outcome, ballot);
  return extras;
}

function renderExtras(extras, itemId, title, ui) {
  const short = title.length > 40 ? `${title.slice(0, 39)}…` : title;
  const result = extras.querySelector(".result");
  const placed = ui.results.get(itemId);
  result.hidden = !placed;
  if (placed) {
    const text = `#${placed.rank} · ${placed.votes} ${placed.votes === 1 ? "dot" : "dots"}`;
    if (result.textContent !== text) result.textContent = text;
    result.title = `Rank ${placed.rank} of ${placed.of} in round ${placed.round}`;
  }
  const outcome = extras.querySelector(".outcome");
  const decided = ui.outcomes.get(itemId);
  outcome.hidden = !decided;
  if (decided) {
    outcome.textContent = OUTCOME_LABELS[decided] ?? decided;
    outcome.dataset.outcome = decided;
  }
  const ballot = extras.querySelector(".ballot");
  const round = ui.ballot?.round;
  const onBallot = Boolean(round?.item_ids.includes(itemId));
  ballot.hidden = !onBallot;
  if (!onBallot) return;
  const mine = ui.ballot.mine[itemId] ?? 0;
  ballot.dataset.item = itemId;
  ballot.dataset.mine = String(mine);
  ballot.setAttribute("aria-label", `Dots on “${short}”`);
  const tally = extras.querySelector(".tally");
  const total = round.tallies[itemId] ?? 0;
  tally.hidden = !ui.ballot.showTallies;
  tally.textContent = `${total} ${total === 1 ? "dot" : "dots"}`;
  const dots = extras.querySelector(".my-dots");
  dots.hidden = !mine;
  dots.firstChild.textContent = "●".repeat(mine);
  dots.lastChild.textContent = `${mine} of your dots`;
  const add = extras.querySelector(".vote-add");
  const remove = extras.querySelector(".vote-remove");
  add.hidden = !ui.ballot.canVote;
  remove.hidden = !ui.ballot.canVote || !mine;
  add.dataset.item = itemId;
  remove.dataset.item = itemId;
  add.setAttribute("aria-label", `Put a dot on “${short}”`);
  remove.setAttribute("aria-label", `Take a dot back from “${short}”`);
}
