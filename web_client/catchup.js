// The "What happened" view (/w/{id}?catchup=1): a workshop told to someone who missed it, from
// GET /api/workshops/{id}/summary, as the boards show it to this person. The agenda; the
// timeline of every board side by side (timeline.js); per board what it found (clusters with
// their notes, vote rounds with their results, decisions with their rationale); what came into
// the plenary from which group; the solution tracks started. Each step links into the board's
// replay at the version just after it (/b/{id}?replay=1&v=N).
import { badge, box, dayEl, duration, el, plural, shorten, srOnly, timeEl, TRACK_STATUS,
  WORKSHOP_KINDS } from "./dom.js";
import { OUTCOME_LABELS, PHASE_LABELS } from "./facilitation.js";
import { renderTimeline } from "./timeline.js";

const $ = (id) => document.getElementById(id);

export class CatchupView {
  constructor(page) {
    this.page = page;
    this.loading = false;
  }

  async load(moveFocus) {
    $("catchup-body").hidden = true;
    $("catchup-status").textContent = "Loading what happened…";
    if (moveFocus) $("catchup-title").focus();
    let summary;
    try {
      [summary] = await Promise.all([this.page.api.summary(this.page.id),
        this.page.ensureLoaded().catch(() => null)]);
    } catch (error) {
      $("catchup-status").textContent = `This cannot be shown: ${error.message}`;
      return;
    }
    $("catchup-status").textContent = "";
    this.render(summary);
    if (moveFocus) $("catchup-title").focus();
  }

  /** A link into `boardId`'s replay at `version`; `what` says, for screen readers, what it shows. */
  replay(boardId, version, text, what) {
    const a = el("a", "replay-link", text);
    a.href = this.page.boardLink(boardId, { replay: 1, v: version });
    a.dataset.version = String(version);
    if (what) a.append(srOnly(` ${what}`));
    return a;
  }

  render(s) {
    $("catchup-title").textContent = `What happened: ${s.title}`;
    this.page.setTitle(`What happened: ${s.title}`);
    const boards = s.boards.length;
    $("catchup-facts").replaceChildren(`${WORKSHOP_KINDS[s.kind] ?? s.kind} workshop · `, dayEl(s.date),
      ` · ${plural(boards, "board", "boards")}, ${plural(s.boards.reduce((n, b) => n + b.decisions.length, 0),
        "decision", "decisions")}`);
    this.renderAgenda(s.agenda, s.agenda_current, s.boards);
    renderTimeline(this, s);
    $("catchup-boards").replaceChildren(...s.boards.map((b) => this.board(b)));
    if (!boards) $("catchup-boards").append(el("p", "empty", "No boards yet."));
    this.renderPromotions(s);
    this.renderTracks(s.tracks);
    $("catchup-body").hidden = false;
  }

  /** The agenda; a block that was started links each board's replay from that moment. */
  renderAgenda(agenda, current, boards) {
    const items = agenda.map((a) => {
      const li = el("li", a.index === current ? "current" : "");
      if (a.index === current) li.setAttribute("aria-current", "step");
      const at = `+${Math.floor(a.starts / 60)}:${String(a.starts % 60).padStart(2, "0")}`;
      li.append(el("span", "agenda-at", at), el("span", "agenda-title", a.title),
        el("span", "agenda-minutes", duration(a.minutes)));
      if (!a.started_at) {
        li.append(el("span", "agenda-started muted", "not started"));
        return li;
      }
      li.append(box("span", "agenda-started", "started ", timeEl(a.started_at, "clock")));
      const links = boards.filter((b) => b.id in a.versions).map((b) => box("li", "",
        this.replay(b.id, a.versions[b.id], b.title, `when “${a.title}” started`)));
      if (links.length) {
        const more = box("details", "agenda-boards", el("summary", "", "Each board when it started"),
          box("ul", "", ...links));
        li.append(more);
      }
      return li;
    });
    $("catchup-agenda").replaceChildren(...items);
    if (!items.length) $("catchup-agenda").append(el("li", "empty", "No agenda."));
  }

  board(b) {
    const section = el("article", "catchup-board");
    section.dataset.board = b.id;
    const headingId = `catchup-board-${b.id}`;
    section.setAttribute("aria-labelledby", headingId);
    const title = el("a", "", b.title);
    title.href = this.page.boardLink(b.id);
    const heading = box("h3", "", title);
    heading.id = headingId;
    const sub = [b.group ? `Group “${b.group}”` : (b.kind === "plenary" ? "Everyone together" : "No group"),
      `phase ${PHASE_LABELS[b.phase] ?? b.phase}`, plural(b.notes, "note", "notes")];
    if (b.anonymity === "pseudonymous") sub.push("people shown by pseudonym");
    section.append(box("div", "card-head", heading,
      this.replay(b.id, b.version, "Replay", `the whole of “${b.title}”`)), el("p", "card-sub", sub.join(" · ")));
    section.append(this.found(b), this.rounds(b), this.decisions(b));
    return section;
  }

  /** The clusters, most voted first, each with its notes count and first notes. */
  found(b) {
    const part = box("div", "found", el("h4", "", "What it found"));
    if (!b.clusters.length) {
      part.append(el("p", "muted", b.notes ? `${plural(b.notes, "note", "notes")}, not clustered`
        : "Nothing written here (that you can see)."));
      return part;
    }
    const list = el("ol", "clusters");
    for (const c of b.clusters) {
      const li = el("li", "cluster-found");
      li.dataset.cluster = c.id;
      const facts = [plural(c.notes, "note", "notes")];
      if (c.votes !== null) facts.push(plural(c.votes, "dot", "dots"));
      li.append(el("strong", "", c.label), el("span", "hint-inline", ` ${facts.join(" · ")}`));
      if (c.top.length) {
        const notes = el("ul", "top-notes");
        for (const text of c.top) notes.append(el("li", "", shorten(text, 140)));
        li.append(notes);
      }
      list.append(li);
    }
    part.append(list);
    if (b.loose) part.append(el("p", "hint", `${plural(b.loose, "note", "notes")} in no cluster.`));
    return part;
  }

  rounds(b) {
    const part = box("div", "rounds-found", el("h4", "", "Vote rounds"));
    if (!b.rounds.length) { part.append(el("p", "muted", "No vote round.")); return part; }
    b.rounds.forEach((r, i) => {
      const item = el("div", "round-found");
      item.dataset.round = r.id;
      const name = `Round ${i + 1}`;
      const state = r.open ? (r.hide_tallies ? "open; tallies hidden until it closes" : "open")
        : `closed; ${plural(r.voters, "voter", "voters")}`;
      item.append(el("p", "", `${name} on ${r.target} (${plural(r.budget, "dot", "dots")} each): ${state}`));
      const shown = r.open ? Object.entries(r.tallies).map(([item_id, votes]) => ({ item_id, votes }))
        .sort((x, y) => y.votes - x.votes) : r.results;
      if (shown.length) {
        const ol = el("ol", "round-results");
        ol.setAttribute("aria-label", `${name} results`);
        for (const t of shown) {
          ol.append(el("li", "", `${shorten(r.titles[t.item_id] || "(not shown)", 80)}: ${plural(t.votes, "dot", "dots")}`));
        }
        item.append(ol);
      }
      const links = box("p", "links", this.replay(b.id, r.opened_version, "Replay when it opened",
        `(${name} on “${b.title}”)`));
      if (r.closed_version !== null) {
        links.append(" · ", this.replay(b.id, r.closed_version, "Replay when it closed",
          `(${name} on “${b.title}”)`));
      }
      item.append(links);
      part.append(item);
    });
    return part;
  }

  decisions(b) {
    const part = box("div", "decisions-found", el("h4", "", "Decisions"));
    if (!b.decisions.length) { part.append(el("p", "muted", "No decision.")); return part; }
    const list = el("ol", "decision-cards");
    for (const d of b.decisions) {
      const li = el("li", "decision-card");
      li.dataset.outcome = d.outcome;
      li.dataset.decision = d.id;
      li.append(box("div", "decision-head", badge("outcome", d.outcome, OUTCOME_LABELS[d.outcome] ?? d.outcome),
        el("strong", "item-title", d.title)));
      li.append(el("p", "rationale", d.rationale),
        box("p", "meta", timeEl(d.decided_at), ` · by ${this.page.whoInProse(d.decided_by, "facilitator")}`));
      const trace = el("a", "trace-link", "Trace");
      trace.dataset.nav = "";
      trace.href = this.page.link({ board: b.id, trace: d.id });
      trace.append(srOnly(` the decision on “${shorten(d.title, 80)}”`));
      li.append(box("p", "links", this.replay(b.id, d.version, "Replay at this decision",
        `on “${shorten(d.title, 80)}”`), " · ", trace));
      list.append(li);
    }
    part.append(list);
    return part;
  }

  renderPromotions(s) {
    const titles = new Map(s.boards.map((b) => [b.id, b.title]));
    const items = s.promotions.map((p) => {
      const li = el("li", "promotion-found");
      li.dataset.source = p.source_board_id;
      const from = p.source_group ? `group “${p.source_group}”` : `“${p.source_title || "another board"}”`;
      const what = [p.clusters.length ? p.clusters.map((c) => `“${shorten(c, 60)}”`).join(", ") : null,
        p.notes ? plural(p.notes, "note", "notes") : null].filter(Boolean).join(" and ");
      li.append(`Into “${titles.get(p.board_id) ?? p.board_id}” from ${from}: ${what} `, timeEl(p.promoted_at, "clock"),
        " ", box("span", "links", this.replay(p.board_id, p.version, "Replay on the plenary", `when ${from} came in`),
          ...(titles.has(p.source_board_id)
            ? [" · ", this.replay(p.source_board_id, p.source_version, "The group's board then", `(${from})`)] : [])));
      return li;
    });
    $("catchup-promotions").replaceChildren(...items);
    if (!items.length) $("catchup-promotions").append(el("li", "empty", "Nothing was brought into a plenary."));
  }

  renderTracks(tracks) {
    const items = tracks.map((t) => {
      const link = el("a", "", t.title);
      link.dataset.nav = "";
      link.href = this.page.link({ track: t.id });
      return box("li", "", link, " ", badge("status", t.status, TRACK_STATUS[t.status] ?? t.status));
    });
    $("catchup-tracks").replaceChildren(...items);
    if (!items.length) $("catchup-tracks").append(el("li", "empty", "No solution track started yet."));
  }
}
