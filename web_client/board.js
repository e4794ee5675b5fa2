// The board view: a fold of recorded events (the shape of projections/board_view.py), the
// optimistic overlay of commands not yet confirmed, and the geometry both share with the canvas
// (board_render.js draws it).
import {
  castRefusal, decidedOutcomes, facilitationDefaults, foldFacilitation, latestResults, openRound,
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
