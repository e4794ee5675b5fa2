// The decision trace view (?board={board_id}&trace={decision_id}): the decision, what it
// rested on, a link to the board replayed to that moment, the vote round behind it with its
// ballots as its policy shows them (ballots.js), and every event that led to it in log order,
// each with its time, version, position, actor, role and hash. A promoted item's trace links
// on to the decision on the breakout board it came from. On a pseudonymous board people stay
// pseudonyms here: actor ids are never looked up, and the server withholds hashes there
// (docs/api.md).
import { badge, box, el, evidenceList, plural, shorten, srOnly, timeEl } from "./dom.js";
import { actionList } from "./discussion.js";
import { OUTCOME_LABELS } from "./facilitation.js";
import { renderRound } from "./ballots.js";
import { trackControl } from "./track_start.js";

const $ = (id) => document.getElementById(id);
const KIND_WORDS = {
  "items.promoted": ["promotion", "promotions"], "note.added": ["note added", "notes added"],
  "vote.cast": ["dot", "dots"], "vote.retracted": ["dot taken back", "dots taken back"],
  "phase.changed": ["phase change", "phase changes"],
  "change.undone": ["undo", "undos"], "change.redone": ["redo", "redos"],
};

export class TraceView {
  constructor(page) {
    this.page = page;
    this.loading = null; // the key of the trace being loaded: a slower, older load is dropped
  }

  wire() {
    $("trace-dots").addEventListener("change", (ev) => {
      $("trace-entries").classList.toggle("hide-dots", !ev.target.checked);
    });
    $("trace-hashes").addEventListener("change", (ev) => {
      $("trace-entries").classList.toggle("full-hashes", ev.target.checked);
    });
  }

  async load(boardId, decisionId, moveFocus) {
    const key = `${boardId}\n${decisionId}`;
    this.loading = key;
    const api = this.page.api;
    $("trace-body").hidden = true;
    $("trace-title").textContent = "Decision trace";
    $("trace-facts").replaceChildren();
    $("trace-track").replaceChildren();
    $("trace-moment").replaceChildren();
    $("trace-round").hidden = true;
    $("trace-status").textContent = "Loading the trace…";
    if (moveFocus) $("trace-title").focus();
    let trace, board, origin = null;
    try {
      [trace, board] = await Promise.all([api.trace(boardId, decisionId), api.board(boardId),
        this.page.ensureLoaded().catch(() => null)]);
      if (trace.origin) origin = await this.originOf(trace.origin);
    } catch (error) {
      if (this.loading !== key) return;
      $("trace-status").textContent = `This trace cannot be shown: ${error.message}`;
      return;
    }
    if (this.loading !== key) return;
    $("trace-status").textContent = "";
    this.render(trace, board, origin);
    if (moveFocus) $("trace-title").focus();
  }

  /** The origin board and the decision recorded there on the promoted item (null: none). */
  async originOf(origin) {
    try {
      const source = await this.page.api.board(origin.board_id);
      const onItem = source.decisions.filter((d) => d.item_id === origin.item_id);
      // The decision the promotion followed: the last one the promoted version had seen.
      const before = onItem.filter((d) => d.version <= origin.version);
      return { ...origin, board: source, decision: before.at(-1) ?? onItem.at(-1) ?? null };
    } catch (error) {
      return { ...origin, board: null, decision: null, error: error.message };
    }
  }

  render(trace, board, origin) {
    const d = trace.decision;
    const named = board.anonymity !== "pseudonymous";
    $("trace-title").textContent = `Trace: ${d.title}`;
    this.page.setTitle(`Trace: ${d.title}`);
    const boardLink = el("a", "", board.title);
    boardLink.href = this.page.boardLink(board.id);
    const by = named || d.decided_by.startsWith("anon-")
      ? this.page.whoInProse(d.decided_by, "facilitator") : "someone";
    $("trace-facts").replaceChildren(badge("outcome", d.outcome, OUTCOME_LABELS[d.outcome] ?? d.outcome),
      " on ", boardLink, " · ", timeEl(d.decided_at), ` · by ${by}`,
      ` · board version ${d.version}, log position ${d.position}`);
    const moment = el("a", "replay-link", "Board at this moment");
    moment.href = this.page.boardLink(board.id, { replay: 1, v: d.version });
    moment.append(srOnly(`: “${shorten(board.title, 60)}” replayed to the decision (version ${d.version})`));
    $("trace-moment").replaceChildren(moment);
    $("trace-track").replaceChildren(trackControl(this.page, { ...d, board_id: board.id }) ?? "");
    $("trace-rationale").textContent = d.rationale;
    $("trace-evidence").replaceChildren(evidenceList(d.evidence));
    this.renderOrigin(origin);
    $("trace-actions").replaceChildren(actionList(trace.actions ?? []));
    const titles = itemTitles(board, d, this.page.data.workshop?.boards ?? []);
    renderRound(this.page, board, d, trace.entries, titles,
      (version) => this.page.boardLink(board.id, { replay: 1, v: version }));
    const rows = trace.entries.map((e) => this.row(e, named, titles));
    $("trace-entries").querySelector("tbody").replaceChildren(...rows);
    $("trace-entries").classList.toggle("hide-dots", !$("trace-dots").checked);
    $("trace-entries").classList.toggle("full-hashes", $("trace-hashes").checked);
    $("trace-summary").textContent = summary(trace.entries)
      + (named ? "" : " People on this board are shown by pseudonym, and its hashes are withheld.");
    $("trace-body").hidden = false;
  }

  renderOrigin(origin) {
    const region = $("trace-origin");
    region.hidden = !origin;
    if (!origin) { region.replaceChildren(); return; }
    const where = origin.board ? el("a", "", origin.board.title) : el("span", "", origin.board_id);
    if (origin.board) where.href = this.page.boardLink(origin.board_id);
    const lines = [box("p", "", "Promoted from ", where, ` (as it stood at its version ${origin.version}).`)];
    if (origin.decision) {
      const follow = el("a", "follow", "Follow to the first board");
      follow.dataset.nav = "";
      follow.href = this.page.link({ board: origin.board_id, trace: origin.decision.id });
      follow.append(srOnly(`: the decision on “${shorten(origin.decision.title, 80)}”`));
      lines.push(box("p", "", follow));
    } else {
      lines.push(el("p", "hint", origin.error
        ? `The first board cannot be opened with this link: ${origin.error}`
        : "The first board recorded no decision on this item."));
    }
    region.replaceChildren(...lines);
  }

  /** One trace entry as a table row. */
  row(e, named, titles) {
    const tr = el("tr");
    tr.dataset.type = e.type;
    const what = box("td", "what", el("span", "", humanise(e.what, titles)), el("code", "type", e.type));
    what.title = e.what;
    const hash = el("td", "hash");
    if (e.hash) {
      // Shortened, the whole in the tooltip; "Full hashes" shows every one whole, for keyboard,
      // touch and screen readers alike.
      const code = box("code", "", el("span", "short", e.hash.slice(0, 12)), el("span", "full", e.hash));
      code.title = e.hash;
      hash.append(code, srOnly(" (shortened; tick “Full hashes” to read it whole)"));
    } else {
      hash.append(el("span", "muted", "withheld"));
      hash.title = "Hashes are withheld on pseudonymous boards";
    }
    tr.append(box("td", "when", timeEl(e.recorded_at)), el("td", "num", e.version),
      el("td", "num", e.position), el("td", "who", this.actor(e.actor, e.role, named)), el("td", "", e.role),
      what, hash);
    return tr;
  }

  /** Who acted: a name on a named board; on a pseudonymous one, the pseudonym as given. */
  actor(id, role, named) {
    if (id.startsWith("anon-")) return this.page.who(id);
    // The server puts a pseudonym on everyone there; should an id slip through, show no name.
    return named ? this.page.who(id, role) : "Someone";
  }
}

/** Id → a title: the workshop's boards, the board's items as they are now, the decision's. */
function itemTitles(board, decision, boards) {
  const titles = new Map(boards.map((b) => [b.id, b.title]));
  for (const c of Object.values(board.clusters ?? {})) titles.set(c.id, c.label);
  for (const n of Object.values(board.notes ?? {})) titles.set(n.id, n.text);
  titles.set(decision.item_id, decision.title);
  for (const n of decision.evidence?.notes ?? []) titles.set(n.note_id, n.text);
  return titles;
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The server's line with ids of notes and clusters replaced by what people call them. */
function humanise(what, titles) {
  const ids = [...titles.keys()].filter((id) => what.includes(id));
  if (!ids.length) return what;
  ids.sort((a, b) => b.length - a.length); // the longest first, so no id eats a longer one
  // An id stands alone: not inside a longer id (ids may end a sentence or precede a colon).
  const pattern = new RegExp(`(?<![\\w.:-])(?:${ids.map(escape).join("|")})(?![\\w-])`, "g");
  return what.replace(pattern, (id) => `“${shorten(titles.get(id), 48)}”`);
}

function summary(entries) {
  const counts = new Map();
  for (const e of entries) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  const parts = [];
  for (const [type, [one, many]] of Object.entries(KIND_WORDS)) {
    if (counts.get(type)) parts.push(plural(counts.get(type), one, many));
  }
  const detail = parts.length ? ` (${parts.join(", ")})` : "";
  return `${plural(entries.length, "event", "events")}${detail}, oldest first.`;
}
