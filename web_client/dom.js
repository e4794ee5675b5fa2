// Small DOM and wording helpers for the workshop, trace and track pages, and the evidence of a
// decision as they all show it. Everything is built with textContent (never innerHTML), so
// text from people can never become markup.

/** A new element with an optional class and text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Show or hide `node`. Setting `hidden` to what it already is still counts as a change to
 * the browser, which styles the element again: on a big board's every render, thousands of them. */
export function setHidden(node, hidden) {
  if (node.hidden !== hidden) node.hidden = hidden;
}

/** Which of `nodes` holds the focus (itself or inside), or null: read it before a render hides
 * controls, then hand it to `refocus`. */
export function focusWithin(...nodes) {
  return nodes.find((node) => node.contains(document.activeElement)) ?? null;
}

/** If `had` (from focusWithin) was hidden since, focus the first of `next` still shown: a control
 * hidden with the focus in it drops keyboard focus to the page's body, and Tab starts over. */
export function refocus(had, ...next) {
  if (!had?.closest("[hidden]")) return;
  next.find((node) => node && !node.closest("[hidden]"))?.focus();
}

/** Set attribute `name` of `node` to `value`, if that changes it (as setHidden). */
export function setAttr(node, name, value) {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/** Set the text of `node`, if that changes it (as setHidden: new text is a new text node). */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** A text node. */
export const txt = (text) => document.createTextNode(String(text));

/** An element holding `children` (nodes or strings). */
export function box(tag, className, ...children) {
  const node = el(tag, className);
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** Text for screen readers only, inside a visible element. */
export const srOnly = (text) => el("span", "visually-hidden", text);

export const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
export const shorten = (text, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Refusals that mean "there is nothing here for this link": a not-found page, not an alert. */
/** A page of a workshop: {} its overview, {board, trace} or {track}. The token rides in the
 * fragment, which never reaches a server. */
export function workshopLink(workshopId, token, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return `/w/${encodeURIComponent(workshopId)}${query ? `?${query}` : ""}`
    + `#token=${encodeURIComponent(token)}`;
}

export const NOT_FOUND_CODES = new Set(["board_not_found", "workshop_not_found", "track_not_found",
  "http_404", "forbidden"]);

/** The page for a board or workshop that does not exist, or that this link cannot open: it
 * replaces whatever the page was about to show. */
export function showNotFound(what, message) {
  for (const id of ["board", "workshop", "home"]) {
    const node = document.getElementById(id);
    if (node) node.hidden = true;
  }
  for (const id of ["status", "title", "workshop-link", "replay-link"]) document.getElementById(id).hidden = true;
  document.getElementById("not-found-title").textContent = `${what} not found`;
  document.getElementById("not-found-text").textContent = message;
  document.getElementById("not-found").hidden = false;
  document.title = `${what} not found · Plenary`;
  document.getElementById("not-found-title").focus();
}

/** The trimmed text of a required field, or null: a field of spaces only is refused in place
 * with the browser's own message bubble, as an empty one is, until it is typed in again. */
export function filled(input, message = "Write some text: spaces alone are not enough.") {
  const text = input.value.trim();
  if (text) return text;
  input.setCustomValidity(message);
  input.reportValidity();
  input.addEventListener("input", () => input.setCustomValidity(""), { once: true });
  return null;
}

/** Show `node`'s message in a role=alert/status element, or clear it. */
export function say(node, message) {
  node.textContent = message ?? "";
  node.hidden = !message;
}

// --------------------------------------------------------------------------- dates and times

const DAY = new Intl.DateTimeFormat(undefined,
  { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const SHORT_DAY = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
const STAMP = new Intl.DateTimeFormat(undefined, {
  day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit",
});
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const SECONDS = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const FORMATS = { stamp: STAMP, clock: CLOCK, seconds: SECONDS };

// A calendar day (YYYY-MM-DD) names no instant: read and shown in UTC it never shifts a day.
const dayDate = (day) => new Date(`${day}T00:00:00Z`);

/** "15 September 2026" for "2026-09-15"; "No date" for null. */
export const formatDay = (day) => (day ? DAY.format(dayDate(day)) : "No date");

/** "5 Oct – 16 Oct" for two calendar days. */
export const formatPeriod = (from, to) =>
  `${SHORT_DAY.format(dayDate(from))} – ${SHORT_DAY.format(dayDate(to))}`;

/** An instant as short local text, in the reader's own convention (12 or 24 hours) on every
 * page: `stamp` (day and time), `clock` (hours and minutes) or `seconds`. */
export const formatTime = (iso, format = "stamp") => FORMATS[format].format(new Date(iso));

/** A <time> for an instant: short local text, the exact ISO instant in `datetime` and title. */
export function timeEl(iso, format = "stamp") {
  const node = el("time", "", formatTime(iso, format));
  node.dateTime = iso;
  node.title = iso;
  return node;
}

/** A <time> for a calendar day. */
export function dayEl(day) {
  const node = el("time", "", formatDay(day));
  if (day) node.dateTime = day;
  return node;
}

/** 135 → "2 h 15 min". */
export function duration(minutes) {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

// --------------------------------------------------------------------------- labels

export const WORKSHOP_KINDS = {
  challenges: "Challenges", initiatives: "Initiatives", ideation: "Ideation",
  consolidation: "Consolidation", kickoff: "Kick-off", work_sprint: "Work sprint",
  validation_sprint: "Validation sprint", final_presentation: "Final presentation",
};
export const ROLE_LABELS = {
  facilitator: ["Facilitator", "Facilitators"], participant: ["Participant", "Participants"],
  observer: ["Observer", "Observers"], auditor: ["Auditor", "Auditors"],
};
/** "facilitator" → "facilitator", as a word in a sentence. */
export const roleName = (role) => ROLE_LABELS[role]?.[0].toLowerCase() ?? role;
export const TRACK_STATUS = {
  planned: "Planned", on_track: "On track", at_risk: "At risk", blocked: "Blocked",
  presented: "Presented",
};
export const VERDICTS = { validated: "Validated", needs_changes: "Needs changes", rejected: "Rejected" };

/** A small coloured label; `kind` picks the colour family, `value` the shade (data-value). */
export function badge(kind, value, text) {
  const node = el("span", `badge ${kind}`, text);
  node.dataset.value = value;
  return node;
}

/** A decision's evidence: the round's dots and rank, the grid, the notes (texts only). */
export function evidenceList(ev) {
  const list = el("dl", "evidence");
  const add = (term, detail) => { list.append(el("dt", "", term), detail); };
  if (ev.round_id) {
    add("Vote", el("dd", "", `${plural(ev.votes, "dot", "dots")}, rank ${ev.rank} of ${ev.ballot_size}`));
  } else {
    add("Vote", el("dd", "muted", "No closed round had it on the ballot"));
  }
  add("Grid", ev.grid ? el("dd", "", `impact ${ev.grid.impact} · effort ${ev.grid.effort}`)
    : el("dd", "muted", "Not placed on the grid"));
  if (ev.notes?.length) {
    const ul = el("ul", "evidence-notes");
    for (const n of ev.notes) ul.append(el("li", "", shorten(n.text, 120)));
    add(ev.notes.length === 1 ? "Note" : `Notes (${ev.notes.length})`, box("dd", "", ul));
  } else {
    add("Notes", el("dd", "muted", "None"));
  }
  add("At", el("dd", "", `board version ${ev.board_version}`));
  return list;
}
