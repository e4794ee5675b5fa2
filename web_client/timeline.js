// The workshop timeline of the "What happened" view: a lane per board, side by side over the
// day. Each lane shows how busy its board was (bars, one per slice of the day; described in
// words for screen readers) and its marks (phase changes, private writing and reveals, vote
// rounds, decisions, promotions, calls to the plenary), each a link into the board's replay at
// the version just after it. Marks are placed by time, nudged apart where they would overlap
// (a burst of steps spreads out, in order); in the DOM they are a list in time order, so Tab
// walks each lane's marks in order, lane by lane.
import { box, el, plural, shorten, srOnly, timeEl } from "./dom.js";
import { OUTCOME_LABELS, PHASE_LABELS } from "./facilitation.js";

const $ = (id) => document.getElementById(id);
const GAP = 3; // marks are at least this far apart (percent of the lane): none covers another
const GLYPHS = {
  "phase.changed": "P", "private_writing.started": "W", "notes.revealed": "R", "vote.opened": "V",
  "vote.closed": "✓", "decision.recorded": "D", "items.promoted": "↑", "board.gathered": "G",
};

/** What a mark says, for people: "Vote round 1 closed", "Decision: … (Selected)". */
function markLabel(mark, board, titles) {
  const round = () => board.rounds.findIndex((r) => r.id === mark.ref) + 1 || "";
  switch (mark.type) {
    case "phase.changed": return `Phase: ${PHASE_LABELS[mark.ref] ?? mark.ref}`;
    case "private_writing.started": return "Private writing started";
    case "notes.revealed": return "Notes revealed";
    case "vote.opened": return `Vote round ${round()} opened`;
    case "vote.closed": return `Vote round ${round()} closed`;
    case "decision.recorded": {
      const outcome = board.decisions.find((d) => d.id === mark.ref)?.outcome;
      return `Decision: ${shorten(mark.title, 60)}${outcome ? ` (${OUTCOME_LABELS[outcome] ?? outcome})` : ""}`;
    }
    case "items.promoted": return `Brought in from “${titles.get(mark.ref) ?? "another board"}”`;
    case "board.gathered": return "Everyone called to the plenary";
    default: return mark.type;
  }
}

export function renderTimeline(view, summary) {
  const { start, end, lanes } = summary.timeline;
  const boards = new Map(summary.boards.map((b) => [b.id, b]));
  const titles = new Map(summary.boards.map((b) => [b.id, b.title]));
  $("lanes-span").replaceChildren(...(start
    ? ["From ", timeEl(start, "seconds"), " to ", timeEl(end, "seconds"), "."] : ["Nothing has happened yet."]));
  const t0 = start ? Date.parse(start) : 0;
  const span = start ? Math.max(Date.parse(end) - t0, 1) : 1;
  const items = lanes.map((lane) => {
    const board = boards.get(lane.board_id);
    const li = el("li", "lane");
    li.dataset.board = lane.board_id;
    const headingId = `lane-${lane.board_id}`;
    const heading = el("h3", "lane-title", lane.title);
    heading.id = headingId;
    li.setAttribute("aria-labelledby", headingId);
    const head = box("div", "lane-head", heading,
      el("span", "hint-inline", lane.group ? `Group “${lane.group}”` : ""),
      view.replay(lane.board_id, 0, "Replay from the start", `of “${lane.title}”`));
    li.append(head, density(lane), marks(view, lane, board, titles, t0, span));
    return li;
  });
  $("lanes").replaceChildren(...items);
  if (!items.length) $("lanes").append(el("li", "empty", "No boards yet."));
}

/** The lane's activity as bars (hidden from screen readers), and the same in words. */
function density(lane) {
  const most = Math.max(1, ...lane.activity);
  const bars = el("div", "density");
  bars.setAttribute("aria-hidden", "true");
  for (const n of lane.activity) {
    const bar = el("span", n ? "slice" : "slice none");
    bar.style.height = `${Math.round((n / most) * 100)}%`;
    bars.append(bar);
  }
  const total = lane.activity.reduce((a, b) => a + b, 0);
  const busiest = lane.activity.indexOf(most);
  const slices = lane.activity.length;
  const words = total
    ? `${plural(total, "event", "events")}; busiest around ${Math.round(((busiest + 0.5) / slices) * 100)}% of the way through the day.`
    : "No events.";
  return box("div", "lane-activity", bars, srOnly(words));
}

/** Where each mark goes, in percent of the lane: at its time, nudged apart (keeping their
 * order) so that none covers another; a lane with more marks than fit wraps onto more rows. */
export function layout(lefts, right = 97) {
  const perRow = Math.floor(right / GAP) + 1;
  const placed = [];
  for (let first = 0; first < lefts.length; first += perRow) {
    const row = lefts.slice(first, first + perRow);
    const at = [];
    for (const left of row) at.push(Math.max(left, at.length ? at.at(-1) + GAP : 0));
    for (let i = at.length - 1; i >= 0; i--) {
      at[i] = Math.min(at[i], i === at.length - 1 ? right : at[i + 1] - GAP);
    }
    placed.push(...at.map((left) => ({ left, row: first / perRow })));
  }
  return placed;
}

/** The lane's marks: links placed by time (see layout), in time order. */
function marks(view, lane, board, titles, t0, span) {
  const list = el("ol", "marks");
  list.setAttribute("aria-label", `Steps on “${lane.title}”, in time order`);
  const places = layout(lane.marks.map((m) => ((Date.parse(m.at) - t0) / span) * 97));
  lane.marks.forEach((mark, i) => {
    const label = markLabel(mark, board, titles);
    const a = el("a", "mark");
    a.href = view.page.boardLink(lane.board_id, { replay: 1, v: mark.version });
    a.dataset.type = mark.type;
    a.dataset.version = String(mark.version);
    a.title = `${label} (version ${mark.version})`;
    const glyph = el("span", "glyph", GLYPHS[mark.type] ?? "•");
    glyph.setAttribute("aria-hidden", "true");
    a.append(glyph, box("span", "visually-hidden", `${label}, `, timeEl(mark.at, "seconds"),
      `, version ${mark.version}`));
    const li = box("li", "", a);
    li.style.left = `${places[i].left}%`;
    li.style.top = `${places[i].row * 1.9}rem`;
    list.append(li);
  });
  const rows = places.length ? places.at(-1).row + 1 : 1;
  list.style.height = `${rows * 1.9}rem`;
  return list;
}
