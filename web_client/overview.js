// The workshop overview's sections, drawn from the API's answers: a card per board, the
// agenda, the decision log, the solution tracks, the programme's outcome tracker and the
// people by role. `page` (workshop.js) makes the links and names the people.
import {
  badge, box, dayEl, duration, el, evidenceList, plural, ROLE_LABELS, shorten, srOnly, timeEl,
  TRACK_STATUS, WORKSHOP_KINDS,
} from "./dom.js";
import { OUTCOME_LABELS, PHASE_LABELS, PHASES } from "./facilitation.js";
import { renderOutcomes } from "./outcomes.js";
import { trackControl } from "./track_start.js";

const $ = (id) => document.getElementById(id);

export function renderBoards(page, boards) {
  const cards = boards.map((b) => {
    const card = el("li", "board-card");
    card.dataset.board = b.id;
    card.dataset.phase = b.phase;
    const link = el("a", "", b.title);
    link.href = page.boardLink(b.id);
    const replay = el("a", "replay", "Replay");
    replay.href = page.boardLink(b.id, { replay: 1 });
    replay.append(srOnly(" this board's history")); // not its title: the card's link has it
    const head = box("div", "card-head", box("h3", "", link),
      el("span", "kind", b.kind === "plenary" ? "Plenary" : "Breakout"), replay);
    const sub = b.group
      ? `Group “${b.group.name}” · ${plural(b.group.members, "member", "members")}`
      : (b.kind === "plenary" ? "Everyone together" : "No group works on it");
    card.append(head, el("p", "card-sub", sub), boardState(b), counts([
      ["Notes", b.notes], ["Clusters", b.clusters], ["Rounds", b.rounds], ["Decisions", b.decisions],
    ]));
    return card;
  });
  $("boards").replaceChildren(...cards);
  if (!cards.length) $("boards").append(el("li", "empty", "No boards yet."));
}

/** The phase as a badge on a five-step track, then the board's modes as chips. */
function boardState(b) {
  const line = el("p", "card-state");
  const phase = badge("phase", b.phase, "");
  const steps = el("span", "steps");
  steps.setAttribute("aria-hidden", "true");
  const current = PHASES.indexOf(b.phase);
  for (let i = 0; i < PHASES.length; i++) steps.append(el("span", i <= current ? "on" : ""));
  phase.append(srOnly("Phase: "), steps, PHASE_LABELS[b.phase] ?? b.phase);
  phase.title = `Phase ${current + 1} of ${PHASES.length}`;
  const chips = [b.locked ? chip("locked", "Locked") : chip("open", "Unlocked")];
  if (b.private_writing) chips.push(chip("private", "Private writing"));
  if (b.anonymity === "pseudonymous") chips.push(chip("pseudonymous", "Pseudonyms"));
  if (b.timer) {
    const running = Date.parse(b.timer.ends_at) > Date.now();
    const timer = chip(running ? "timer" : "timer done", running ? "Timer until " : "Timer ran out at ");
    timer.append(timeEl(b.timer.ends_at, "clock"));
    chips.push(timer);
  } else {
    chips.push(chip("", "No timer"));
  }
  if (b.open_round) chips.push(chip("round", "Vote round open"));
  line.append(phase, ...chips);
  return line;
}

/** The agenda, the block started last highlighted; `controls(item, i)` adds a facilitator's
 * buttons to each block. */
export function renderAgenda(agenda, current = null, controls = null) {
  let start = 0;
  const items = agenda.map((item, i) => {
    const li = el("li", i === current ? "agenda-item current" : "agenda-item");
    li.dataset.index = String(i);
    if (i === current) li.setAttribute("aria-current", "step");
    const at = el("span", "agenda-at", `+${Math.floor(start / 60)}:${String(start % 60).padStart(2, "0")}`);
    at.title = `Starts ${duration(start)} into the day`;
    start += item.minutes;
    const title = el("span", "agenda-title", item.title);
    if (i === current) title.append(srOnly(" (now)"));
    li.append(at, title, el("span", "agenda-minutes", `${item.minutes} min`));
    if (controls) li.append(controls(item, i));
    return li;
  });
  // Starting a block draws the agenda again: the button pressed keeps the focus (in its new row).
  const list = $("agenda");
  const pressed = list.contains(document.activeElement) ? document.activeElement.dataset : {};
  list.replaceChildren(...items);
  if (pressed.agenda) {
    list.querySelector(`button[data-agenda="${pressed.agenda}"][data-index="${pressed.index}"]`)?.focus();
  }
  $("agenda-total").textContent = agenda.length
    ? `Total: ${start} minutes (${duration(start)})` : "No agenda yet.";
}

export function renderDecisions(page) {
  const list = $("decision-log");
  const decisions = page.data.decisions ?? [];
  list.replaceChildren(...decisions.map((d) => decisionCard(page, d)));
  if (!decisions.length) list.append(el("li", "empty", "No decisions yet."));
}

function decisionCard(page, d) {
  const card = el("li", "decision-card");
  card.dataset.outcome = d.outcome;
  card.dataset.board = d.board_id;
  card.dataset.decision = d.id;
  const title = el("h3", "item-title", d.title);
  title.title = d.item_kind === "clusters" ? "A cluster" : "A note";
  const outcome = badge("outcome", d.outcome, OUTCOME_LABELS[d.outcome] ?? d.outcome);
  const head = box("div", "decision-head", outcome, title);
  const board = el("a", "", d.board_title);
  board.href = page.boardLink(d.board_id);
  const meta = box("p", "meta", "On ", board, " · ", timeEl(d.decided_at),
    ` · by ${page.whoInProse(d.decided_by, "facilitator")}`);
  const trace = el("a", "trace-link", "Trace");
  trace.dataset.nav = "";
  trace.href = page.link({ board: d.board_id, trace: d.id });
  trace.append(srOnly(` the decision on “${shorten(d.title, 80)}”`));
  const replay = el("a", "replay-link", "Replay");
  replay.href = page.boardLink(d.board_id, { replay: 1, v: d.version });
  replay.append(srOnly(` the board up to the decision on “${shorten(d.title, 80)}”`));
  card.append(head, meta, el("p", "rationale", d.rationale), evidenceList(d.evidence), trace, " · ",
    replay);
  const track = trackControl(page, d);
  if (track) card.append(track);
  return card;
}

export function renderTracks(page, tracks) {
  const items = tracks.map((t) => {
    const li = el("li", "track-item");
    li.dataset.track = t.id;
    const link = el("a", "", t.title);
    link.dataset.nav = "";
    link.href = page.link({ track: t.id });
    li.append(box("div", "track-head", link, badge("status", t.status, TRACK_STATUS[t.status] ?? t.status)),
      el("p", "meta", [plural(t.sprints, "sprint", "sprints"), plural(t.updates, "update", "updates"),
        plural(t.validations, "validation", "validations"),
        plural(t.practices, "good practice", "good practices")].join(" · ")));
    return li;
  });
  $("tracks").replaceChildren(...items);
  if (!items.length) {
    $("tracks").append(el("li", "empty", "No solution track started from this workshop yet."));
  }
}

export function renderProgramme(page, programme) {
  if (!programme) return;
  $("programme-name").textContent = programme.programme === "default"
    ? "Workshops created without a programme count together."
    : `Programme “${programme.title || programme.programme}”: every workshop in it counts together.`;
  renderOutcomes($("outcomes"), programme.outcomes);
  const workshops = programme.workshops.map((w) => {
    const li = el("li", w.id === page.id ? "current" : "");
    const title = w.id === page.id ? el("a", "", w.title) : el("span", "", w.title);
    if (w.id === page.id) {
      title.href = page.link();
      title.dataset.nav = "";
      title.setAttribute("aria-current", "page");
    }
    li.append(dayEl(w.date), title, el("span", "kind", WORKSHOP_KINDS[w.kind] ?? w.kind));
    if (w.id === page.id) li.append(el("span", "hint-inline", "(this workshop)"));
    return li;
  });
  $("programme-workshops").replaceChildren(...workshops);
}

export function renderPeople(page, workshop, tally) {
  const byRole = { facilitator: [], participant: [], observer: [], auditor: [] };
  // Everyone who joined is listed once; a facilitator who came in otherwise (not joined) too.
  const listed = workshop.participants.some((p) => p.id === workshop.you?.id);
  if (workshop.you?.role === "facilitator" && !listed) {
    byRole.facilitator.push({ ...workshop.you, organisation: "", group: null });
  }
  for (const p of workshop.participants) (byRole[p.role] ??= []).push(p);
  const groupName = new Map(workshop.groups.map((g) => [g.id, g.name]));
  const sections = [];
  for (const [role, people] of Object.entries(byRole)) {
    const total = role === "facilitator" ? people.length : (tally?.[role] ?? people.length);
    if (!total) continue;
    const [one, many] = ROLE_LABELS[role] ?? [role, role];
    const section = box("section", "role-group", el("h3", "", `${total === 1 ? one : many} (${total})`));
    section.dataset.role = role;
    if (role === "participant") {
      const groups = new Map();
      for (const p of people) {
        const key = p.group ? groupName.get(p.group) ?? p.group : "Not in a group";
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(p);
      }
      for (const [name, members] of groups) {
        section.append(el("h4", "", name), peopleList(members, page.me.sub));
      }
    } else {
      section.append(peopleList(people, page.me.sub));
    }
    sections.push(section);
  }
  $("people-by-role").replaceChildren(...sections);
}

// --------------------------------------------------------------------------- pieces


function chip(kind, text) { return el("span", `chip ${kind}`.trim(), text); }

function counts(pairs) {
  const list = el("dl", "counts");
  for (const [term, n] of pairs) list.append(box("div", "", el("dt", "", term), el("dd", "", n)));
  return list;
}

function peopleList(people, me) {
  const ul = el("ul", "people-list");
  for (const p of people) {
    const li = el("li", "", p.id === me ? `${p.name} (you)` : p.name);
    if (p.organisation) li.title = p.organisation;
    ul.append(li);
  }
  return ul;
}
