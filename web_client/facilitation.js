// Facilitation, dot voting and decisions on a board: the fold of their events (the shape of
// projections/board_view.py as projections/visibility.py cuts it down for one viewer) and the
// rules the page uses to show what someone may do now. The rules mirror domain/facilitation.py
// and domain/voting.py only to guide the UI; the server decides and a `reject` rolls back.
import { emptyDiscussion, foldDiscussion } from "./discussion.js";

export const PHASES = ["collect", "cluster", "vote", "discuss", "decide"];
export const PHASE_LABELS = {
  collect: "Collect", cluster: "Cluster", vote: "Vote", discuss: "Discuss", decide: "Decide",
};
export const OUTCOME_LABELS = { select: "Selected", park: "Parked", reject: "Rejected" };

const WRITING = ["collect", "cluster"];
const CLUSTERING = ["collect", "cluster", "discuss"];
const PRIORITISING = ["vote", "discuss", "decide"];
const DISCUSSING = ["discuss", "decide"];

/** Command type → the phases a participant may issue it in (domain/facilitation.py). */
export const PARTICIPANT_PHASES = {
  "note.add": WRITING, "note.edit": WRITING, "note.recolour": WRITING, "note.delete": WRITING,
  "cluster.create": CLUSTERING, "cluster.rename": CLUSTERING, "cluster.delete": CLUSTERING,
  "cluster.merge": CLUSTERING, "note.cluster": CLUSTERING, "grid.place": PRIORITISING,
  "grid.remove": PRIORITISING, "comment.add": DISCUSSING,
};

/** What a board's vote rounds start from until it is configured (domain/board_state.py). */
export const VOTE_DEFAULTS = { budget: 5, per_item_max: 3, hide_tallies: true };

/** The facilitation part of an empty board view. */
export function facilitationDefaults() {
  return { phase: "collect", locked: false, private_writing: false, anonymity: "named",
    timer: null, rounds: {}, grid: {}, decisions: [], promotions: [], gathered: null,
    prompt: "", phases: [...PHASES], vote_defaults: { ...VOTE_DEFAULTS },
    discussion: emptyDiscussion() };
}

const later = (iso, seconds) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** The view after a facilitation, voting or decision event; `rec` is its recorded envelope. */
export function foldFacilitation(view, data, rec) {
  const at = rec.recorded_at;
  switch (data.type) {
    case "phase.changed": return { ...view, phase: data.phase };
    case "timer.started":
      return { ...view, timer: { seconds: data.seconds, label: data.label ?? "", started_at: at,
        ends_at: later(at, data.seconds) } };
    case "timer.extended":
      if (!view.timer) return view;
      return { ...view, timer: { ...view.timer, seconds: view.timer.seconds + data.seconds,
        ends_at: later(view.timer.ends_at, data.seconds) } };
    case "timer.stopped": return { ...view, timer: null };
    case "private_writing.started": return { ...view, private_writing: true };
    case "notes.revealed": return reveal(view, data.notes ?? [], rec);
    case "anonymity.set": return { ...view, anonymity: data.policy };
    case "board.locked": return { ...view, locked: true };
    case "board.unlocked": return { ...view, locked: false };
    case "board.gathered": return { ...view, gathered: { board_id: data.board_id, at } };
    case "board.configured":
      return { ...view, prompt: data.prompt, phases: data.phases, vote_defaults: data.vote_defaults };
    case "grid.placed":
      return { ...view, grid: { ...view.grid,
        [data.item_id]: { impact: data.impact, effort: data.effort, version: rec.version } } };
    case "grid.removed": {
      const { [data.item_id]: _gone, ...grid } = view.grid;
      return { ...view, grid };
    }
    case "decision.recorded": return { ...view, decisions: [...view.decisions, decision(data, rec)] };
    case "items.promoted": return promoted(view, data, rec);
    case "decision.tracked":
      return { ...view, decisions: view.decisions.map((d) => (d.id === data.decision_id
        ? { ...d, track_id: data.track_id } : d)) };
    default: return foldVoting(view, data, rec);
  }
}

function foldVoting(view, data, rec) {
  const round = view.rounds[data.round_id];
  const put = (changed) => ({ ...view, rounds: { ...view.rounds, [data.round_id]: changed } });
  switch (data.type) {
    case "vote.opened":
      return { ...view, rounds: { ...view.rounds, [data.round_id]: {
        id: data.round_id, target: data.target, budget: data.budget,
        per_item_max: data.per_item_max, hide_tallies: data.hide_tallies,
        facilitators_vote: data.facilitators_vote, item_ids: data.item_ids, open: true,
        opened_at: rec.recorded_at, closed_at: null, votes: {},
        // A viewer never sees the tallies of an open round that hides them (visibility.py).
        tallies: data.hide_tallies ? {} : Object.fromEntries(data.item_ids.map((id) => [id, 0])),
        results: [], voters: 0 } } };
    case "vote.cast": return round ? put(count(round, data.voter, data.item_id, 1)) : view;
    case "vote.retracted": return round ? put(count(round, data.voter, data.item_id, -1)) : view;
    case "vote.closed":
      if (!round) return view;
      return put({ ...round, open: false, closed_at: rec.recorded_at, results: data.results,
        voters: data.voters,
        tallies: Object.fromEntries(data.results.map((t) => [t.item_id, t.votes])) });
    default: return foldDiscussion(view, data, rec);
  }
}

function count(round, voter, itemId, delta) {
  const ballot = { ...(round.votes[voter] ?? {}) };
  ballot[itemId] = (ballot[itemId] ?? 0) + delta;
  if (ballot[itemId] <= 0) delete ballot[itemId];
  const votes = { ...round.votes, [voter]: ballot };
  if (!Object.keys(ballot).length) delete votes[voter];
  const hidden = round.open && round.hide_tallies;
  const tallies = hidden ? round.tallies
    : { ...round.tallies, [itemId]: (round.tallies[itemId] ?? 0) + delta };
  return { ...round, votes, tallies, voters: Object.keys(votes).length };
}

/** Revealed notes turn visible; those this viewer never saw arrive whole. */
function reveal(view, revealed, rec) {
  const notes = { ...view.notes };
  for (const n of revealed) {
    notes[n.note_id] = notes[n.note_id]
      ? { ...notes[n.note_id], hidden: false, updated_at: rec.recorded_at }
      : { id: n.note_id, text: n.text, x: n.x, y: n.y, colour: n.colour, author: n.author,
        cluster_id: null, created_at: rec.recorded_at, updated_at: rec.recorded_at,
        version: rec.version, hidden: false, origin: null, fields: n.fields ?? [] };
  }
  return { ...view, private_writing: false, notes };
}

function decision(data, rec) {
  return { id: data.decision_id, item_id: data.item_id, item_kind: data.item_kind,
    title: data.title, outcome: data.outcome, rationale: data.rationale, evidence: data.evidence,
    decided_by: rec.actor, decided_at: rec.recorded_at, version: rec.version,
    position: rec.position, hash: rec.hash ?? "", track_id: null };
}

function promoted(view, data, rec) {
  const at = rec.recorded_at;
  const clusters = { ...view.clusters };
  for (const c of data.clusters) {
    clusters[c.cluster_id] = { id: c.cluster_id, label: c.label, x: c.x, y: c.y, created_at: at,
      version: rec.version, origin: c.origin };
  }
  const notes = { ...view.notes };
  for (const n of data.notes) {
    notes[n.note_id] = { id: n.note_id, text: n.text, x: n.x, y: n.y, colour: n.colour,
      author: n.author, cluster_id: n.cluster_id ?? null, created_at: at, updated_at: at,
      version: rec.version, hidden: false, origin: n.origin, fields: n.fields ?? [] };
  }
  const promotion = { id: data.promotion_id, source_board_id: data.source_board_id,
    source_version: data.source_version, note_ids: data.notes.map((n) => n.note_id),
    cluster_ids: data.clusters.map((c) => c.cluster_id), promoted_at: at };
  return { ...view, notes, clusters, promotions: [...view.promotions, promotion] };
}

// --------------------------------------------------------------------------- rules

/** The id that stands for `me` in this view: the pseudonym on a pseudonymous board. */
export function selfId(view, me) {
  return view.anonymity === "pseudonymous" && me.pseudonym ? me.pseudonym : me.id;
}

/** "collect and cluster", "collect, cluster and discuss": the phases open to `type`. */
export function phasesOf(type) {
  const names = (PARTICIPANT_PHASES[type] ?? PHASES).map((p) => PHASE_LABELS[p].toLowerCase());
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0];
}

/** Board commands only a facilitator may issue (the role table, domain/roles.py). */
export const FACILITATOR_COMMANDS = new Set([
  "board.create", "phase.change", "timer.start", "timer.extend", "timer.stop", "private.start",
  "notes.reveal", "anonymity.set", "board.lock", "board.unlock", "board.gather", "vote.open",
  "vote.close", "decision.record", "items.promote", "decision.track", "board.configure",
  "notes.place", "spotlight.set", "spotlight.clear", "action.add", "action.done", "cluster.tidy",
  "board.tidy",
]);

/** Why `me` may not issue `type` now (null: they may). Mirrors the role table and
 * facilitation.gate, in the order domain/board.py asks them; a facilitator's own rules of a
 * command (a round opens in the vote phase, a decision in discuss or decide) are not here. */
export function refusal(view, me, type) {
  if (me.role !== "facilitator" && me.role !== "participant") {
    return "You can look at this board but not change it.";
  }
  if (me.role === "facilitator") return null;
  if (FACILITATOR_COMMANDS.has(type)) return "Only a facilitator may do that.";
  if (view.locked) return "The facilitator has locked this board.";
  const phases = PARTICIPANT_PHASES[type];
  if (phases && !phases.includes(view.phase)) {
    return `That is open in the ${phasesOf(type)} phases; the board is in ${view.phase}.`;
  }
  return null;
}

/** The open vote round, or null (one is open at a time). */
export function openRound(view) {
  return Object.values(view.rounds).find((r) => r.open) ?? null;
}

/** Dots `voter` has placed in `round`. */
export function used(round, voter) {
  return Object.values(round.votes[voter] ?? {}).reduce((a, b) => a + b, 0);
}

/** May `me` put dots in `round`? (Observers never; facilitators when the round lets them.) */
export function mayVote(view, round, me) {
  if (!round?.open || refusal(view, me, "vote.cast")) return false;
  return me.role !== "facilitator" || round.facilitators_vote;
}

/** Whether a `vote.cast` would pass the round's limits (domain/voting.py, same order). */
export function castRefusal(round, voter, itemId) {
  if (!round?.open) return "round_closed";
  if (!round.item_ids.includes(itemId)) return "not_on_ballot";
  if (used(round, voter) >= round.budget) return "vote_budget_exceeded";
  if ((round.votes[voter]?.[itemId] ?? 0) >= round.per_item_max) return "vote_item_limit";
  return null;
}

/** The round's results with ranks: most dots first; tied items share the better rank. */
export function ranked(round) {
  return round.results.map((t) => ({
    ...t, rank: 1 + round.results.filter((o) => o.votes > t.votes).length,
  }));
}

/** Whether an open round hides its tallies: then earlier rounds' results are set aside too,
 * so that no one votes by the last round's ranks. */
export function blindRound(view) {
  return Boolean(openRound(view)?.hide_tallies);
}

/** Item id → its place in the latest closed round that had it on the ballot (none while a
 * round that hides its tallies is open). */
export function latestResults(view) {
  const found = new Map();
  if (blindRound(view)) return found;
  const rounds = Object.values(view.rounds);
  rounds.forEach((round, index) => {
    if (round.open) return;
    for (const r of ranked(round)) {
      found.set(r.item_id, { ...r, of: round.results.length, round: index + 1 });
    }
  });
  return found;
}

/** A round's number as people see it: its place in the order rounds were opened. */
export function roundNumber(view, roundId) {
  return Object.keys(view.rounds).indexOf(roundId) + 1;
}

/** What to call a note or cluster in lists and labels. */
export function itemTitle(view, itemId) {
  if (view.clusters[itemId]) return view.clusters[itemId].label;
  if (view.notes[itemId]) return view.notes[itemId].text;
  return "(removed item)";
}

/** Item id → the outcome of its latest decision. */
export function decidedOutcomes(view) {
  return new Map(view.decisions.map((d) => [d.item_id, d.outcome]));
}

/** Seconds left on the timer at `now` (ms, server clock); null without a timer. */
export function secondsLeft(timer, now) {
  if (!timer) return null;
  return Math.max(0, Math.ceil((Date.parse(timer.ends_at) - now) / 1000));
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function clock(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
