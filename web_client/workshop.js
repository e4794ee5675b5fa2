// The workshop page, /w/{id}: the workshop at a glance (overview.js: its boards, refreshed
// every few seconds while the page is visible; the decision log; agenda, people, solution
// tracks and the programme's outcome tracker), and views chosen by the query string, on one
// server route: ?board={board_id}&trace={decision_id} traces a decision (trace.js),
// ?track={track_id} shows a solution track (track.js) and ?catchup=1 what happened
// (catchup.js). Links are real links, so they open in a new tab too; a plain click swaps the
// view in place and Back returns.
import {
  dayEl, el, NOT_FOUND_CODES, ROLE_LABELS, roleName, showNotFound, timeEl, WORKSHOP_KINDS,
} from "./dom.js";
import {
  renderAgenda, renderBoards, renderDecisions, renderPeople, renderProgramme, renderTracks,
} from "./overview.js";
import { agendaControls, Console } from "./console.js";
import { PeopleConsole } from "./people.js";
import { PreworkPanel } from "./prework.js";
import { SetupPanel } from "./templates.js";
import { AuditView, DESK_ROLES, LOG_ROLES } from "./audit.js";
import { download, offer, workshopFiles } from "./downloads.js";
import { CatchupView } from "./catchup.js";
import { ReportView } from "./report.js";
import { TraceView } from "./trace.js";
import { TrackView } from "./track.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 5000;
const VIEWS = ["overview", "trace-view", "track-view", "audit-view", "catchup-view", "report-view"];

export class WorkshopPage {
  constructor(api, workshopId, claims) {
    this.api = api;
    this.id = workshopId;
    this.me = claims;
    this.data = { workshop: null, overview: null, decisions: null, programme: null };
    this.keys = {}; // what each section was last drawn from: redraw only on a change
    this.names = new Map(); // person id → display name (real ids only; never a pseudonym)
    this.refreshing = false;
    this.stopped = false; // the token was refused: polling stops
    this.trace = new TraceView(this);
    this.track = new TrackView(this);
    this.audit = new AuditView(this);
    this.catchup = new CatchupView(this);
    this.report = new ReportView(this);
    // The facilitator's console: run every group at once, invite and group people.
    const host = claims.role === "facilitator" && !claims.board;
    this.console = host ? new Console(this) : null;
    this.people = host ? new PeopleConsole(this) : null;
    this.setup = new SetupPanel(this); // agenda and save-as-template (facilitators)
  }

  /** May I post to solution tracks? (roles.md: facilitators and participants) */
  get mayReport() { return ["facilitator", "participant"].includes(this.me.role); }

  async start() {
    const template = $("workshop-page");
    template.replaceWith(template.content.cloneNode(true));
    $("board").remove(); // not this page: its forms and labels would only get in the way
    $("workshop").hidden = false;
    document.body.classList.add("page-workshop");
    $("title").hidden = true; // each view has its own h1
    $("status").hidden = true;
    document.addEventListener("click", (ev) => this.follow(ev));
    window.addEventListener("popstate", () => this.route(false));
    // The cards follow the boards while someone looks at them, and only then.
    const due = () => document.visibilityState === "visible" && this.view === "overview"
      && !this.stopped;
    document.addEventListener("visibilitychange", () => { if (due()) this.refresh(); });
    setInterval(() => { if (due()) this.refresh(); }, REFRESH_MS);
    this.trace.wire();
    this.track.wire();
    this.audit.wire();
    $("catchup-link").href = this.link({ catchup: "1" });
    this.report.wire();
    if (DESK_ROLES.includes(this.me.role)) {
      $("audit-link").href = this.link({ audit: "1" });
      $("report-link").href = this.link({ report: "1" });
      $("desk-entry").hidden = false;
      $("report-download").addEventListener("click", () => this.downloadReport());
      const files = () => workshopFiles(this.id, this.data.workshop?.title);
      $("report-json-download").addEventListener("click",
        () => offer(this.api, files().reportJson, $("report-status")));
      $("log-download").hidden = !LOG_ROLES.includes(this.me.role);
      $("log-download").addEventListener("click",
        () => offer(this.api, files().log, $("report-status")));
    }
    this.console?.start();
    this.people?.start();
    await Promise.all([new PreworkPanel(this).start(), this.route(false)]);
  }

  /** The workshop report (Markdown), for facilitators and auditors. */
  async downloadReport() {
    const status = $("report-status");
    status.textContent = "Preparing the report…";
    try {
      const { name } = await download(this.api, `/api/workshops/${encodeURIComponent(this.id)}/report`,
        `${(this.data.workshop?.title ?? "workshop").replace(/[^\p{L}\p{N}]+/gu, "-")}-report.md`);
      status.textContent = `Downloaded ${name}.`;
    } catch (error) {
      status.textContent = `No report: ${error.message}`;
    }
  }

  // ------------------------------------------------------------ links and views

  /** A link to a view of this workshop: {} for the overview, {board, trace} or {track}. */
  link(params = {}) {
    const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
    return `/w/${encodeURIComponent(this.id)}${query ? `?${query}` : ""}`
      + `#token=${encodeURIComponent(this.api.token)}`;
  }

  boardLink(boardId, params = {}) {
    // The fragment never reaches the server; the board page also finds it in sessionStorage.
    const query = new URLSearchParams(params).toString();
    return `/b/${encodeURIComponent(boardId)}${query ? `?${query}` : ""}`
      + `#token=${encodeURIComponent(this.api.token)}`;
  }

  /** An in-page link (data-nav) followed without reloading; modified clicks open normally. */
  follow(ev) {
    const a = ev.target.closest?.("a[data-nav]");
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey
      || ev.altKey) return;
    ev.preventDefault();
    const url = new URL(a.href);
    history.pushState(null, "", url.pathname + url.search); // the token stays off the address bar
    this.route(true);
  }

  async route(moveFocus) {
    const query = new URLSearchParams(location.search);
    if (query.get("trace") && query.get("board")) {
      this.show("trace-view");
      await this.trace.load(query.get("board"), query.get("trace"), moveFocus);
    } else if (query.get("audit") && DESK_ROLES.includes(this.me.role)) {
      this.show("audit-view");
      await this.audit.load(moveFocus);
    } else if (query.get("catchup")) {
      this.show("catchup-view");
      await this.catchup.load(moveFocus);
    } else if (query.get("report") && DESK_ROLES.includes(this.me.role)) {
      this.show("report-view");
      await this.report.load(moveFocus);
    } else if (query.get("track")) {
      this.show("track-view");
      await this.track.load(query.get("track"), moveFocus);
    } else {
      this.show("overview");
      if (this.data.overview) this.render();
      if (moveFocus) $("workshop-title").focus();
      await this.refresh();
    }
  }

  show(view) {
    this.view = view;
    document.body.dataset.view = view; // what prints (style.css, @media print)
    for (const id of VIEWS) $(id).hidden = id !== view;
    for (const back of document.querySelectorAll("#workshop .back")) {
      back.href = this.link();
      back.textContent = `← ${this.data.workshop?.title ?? "Back to the workshop"}`;
    }
    this.pageAlert(null);
  }

  pageAlert(message) {
    $("page-alert").textContent = message ?? "";
    $("page-alert").hidden = !message;
  }

  setTitle(text) { document.title = `${text} · Plenary`; }

  // ------------------------------------------------------------ data

  /** Load (or reload) what the overview shows; a part that fails leaves the rest shown. */
  async refresh() {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const [workshop, overview, decisions, programme] = await Promise.allSettled([
        this.api.workshop(this.id), this.api.overview(this.id), this.api.decisions(this.id),
        this.api.programme(),
      ]);
      const failed = [workshop, overview, decisions, programme].find((r) => r.status === "rejected");
      if (failed && (!this.data.overview || !this.data.workshop)
        && [workshop, overview].includes(failed)) {
        if (NOT_FOUND_CODES.has(failed.reason.code)) {
          this.stopped = true;
          showNotFound("Workshop", `There is no workshop “${this.id}”, or this link does not open it.`);
          return;
        }
        this.pageAlert(`This link does not open the workshop: ${failed.reason.message}`);
        // A refused token stays refused: stop asking (a dropped connection may come back).
        if (failed.reason.code !== "network") this.stopped = true;
        return;
      }
      // Shown beside the time of the last good refresh; what was shown stays.
      this.data.refreshError = failed ? failed.reason.message : null;
      if (workshop.status === "fulfilled") this.learn(workshop.value);
      if (overview.status === "fulfilled") this.data.overview = overview.value;
      if (decisions.status === "fulfilled") this.data.decisions = decisions.value.decisions;
      if (programme.status === "fulfilled") this.data.programme = programme.value;
      if (!failed) this.data.updatedAt = new Date();
      if (this.view === "overview") this.render();
    } finally {
      this.refreshing = false;
    }
  }

  learn(workshop) {
    this.data.workshop = workshop;
    this.names = new Map(workshop.participants.map((p) => [p.id, p.name]));
    if (workshop.you?.id) this.names.set(workshop.you.id, workshop.you.name || workshop.you.role);
    for (const back of document.querySelectorAll("#workshop .back")) {
      back.textContent = `← ${workshop.title}`;
    }
  }

  /** The workshop and its decision log, loaded once if the overview has not loaded them. */
  async ensureLoaded() {
    if (!this.data.workshop) this.learn(await this.api.workshop(this.id));
    if (!this.data.decisions) this.data.decisions = (await this.api.decisions(this.id)).decisions;
  }

  /** Who an id is, for people: a name, "you", or a pseudonym as such (never unmasked).
   * The workshop lists those who joined; a facilitator is named only to themselves. */
  who(id, role = null) {
    if (!id) return "—";
    if (id.startsWith("anon-")) return `Pseudonym ${id.slice(5, 11)}`;
    const name = this.names.get(id);
    if (id === this.me.sub) return `${name || this.me.name || "You"} (you)`;
    if (name) return name;
    return `${ROLE_LABELS[role]?.[0] ?? "Someone"} (${id.slice(0, 8)})`;
  }

  /** As `who`, for a sentence: someone the page cannot name is "a facilitator". */
  whoInProse(id, role) {
    if (id?.startsWith("anon-") || this.names.has(id) || id === this.me.sub) return this.who(id, role);
    return role ? `a ${roleName(role)}` : "someone";
  }

  // ------------------------------------------------------------ overview

  render() {
    const { workshop, overview } = this.data;
    if (!workshop || !overview) return;
    $("overview").hidden = false;
    $("workshop-title").textContent = overview.title;
    this.setTitle(overview.title);
    const facts = [
      `${WORKSHOP_KINDS[overview.kind] ?? overview.kind} workshop`,
      dayEl(overview.date),
      programmeFact(overview.programme, this.id, this.data.programme),
      `you are ${this.me.name ? `${this.me.name}, ` : ""}${roleName(this.me.role)}`,
    ].filter(Boolean);
    this.draw("facts", [overview.kind, overview.date, overview.programme, this.data.programme?.title], () => {
      $("workshop-facts").replaceChildren(...facts.flatMap((f, i) => (i ? [sep(), f] : [f])));
    });
    // A timer that ran out since the last answer changes the card too.
    const ranOut = overview.boards.map((b) => Boolean(b.timer) && Date.parse(b.timer.ends_at) <= Date.now());
    this.draw("boards", [overview.boards, ranOut], () => renderBoards(this, overview.boards));
    const updated = [];
    if (this.data.updatedAt) updated.push("Updated ", timeEl(this.data.updatedAt.toISOString(), "seconds"));
    updated.push(this.data.refreshError ? ` · could not refresh: ${this.data.refreshError}`
      : " · refreshes every 5 s");
    $("boards-updated").replaceChildren(...updated);
    this.draw("agenda", [overview.agenda, overview.agenda_current],
      () => renderAgenda(overview.agenda, overview.agenda_current, this.console && agendaControls));
    this.setup.mount();
    this.console?.render(workshop);
    this.people?.render();
    // A decision links to its track by the track's title: redraw when the tracks change.
    this.draw("decisions", [this.data.decisions, [...this.names], overview.tracks],
      () => renderDecisions(this));
    this.draw("tracks", overview.tracks, () => renderTracks(this, overview.tracks));
    this.draw("programme", this.data.programme, () => renderProgramme(this, this.data.programme));
    this.draw("people", [workshop.participants, workshop.groups, overview.people],
      () => renderPeople(this, workshop, overview.people));
  }

  /** Run `paint` when `source` differs from what the section was last drawn from. */
  draw(section, source, paint) {
    const key = JSON.stringify(source ?? null);
    if (this.keys[section] === key) return;
    this.keys[section] = key;
    paint();
  }
}

const sep = () => el("span", "sep", " · ");

/** The programme a workshop belongs to, by its title; nothing for a workshop that is a
 * programme of its own, and never a raw id. */
function programmeFact(programmeId, workshopId, programme) {
  if (!programmeId || programmeId === "default" || programmeId === workshopId) return null;
  return programme?.title ? `programme “${programme.title}”` : null;
}
