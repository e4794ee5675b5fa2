// The solution track view (?track={track_id}): where the track came from, its sprints and
// their updates, assessments, validations with stakeholder groups, good practices, the final
// presentation and the flat timeline, which names people, decisions and boards, never their
// ids. Facilitators and participants work on the track with the forms of track_forms.js.
import {
  badge, box, dayEl, el, formatPeriod, plural, shorten, srOnly, timeEl, TRACK_STATUS, VERDICTS,
} from "./dom.js";
import { actionList } from "./discussion.js";
import { TrackForms } from "./track_forms.js";

const $ = (id) => document.getElementById(id);
const UPDATE_STATUS = { on_track: "On track", at_risk: "At risk", blocked: "Blocked" };

export class TrackView {
  constructor(page) {
    this.page = page;
    this.id = null;
    this.track = null;
    this.loading = null;
    this.forms = new TrackForms(this);
  }

  wire() { this.forms.wire(); }

  /** "Sprint 2": a sprint's place in date order. */
  sprintName(sprint) {
    return sprint ? `Sprint ${this.track.sprints.indexOf(sprint) + 1}` : "the sprint";
  }

  async load(trackId, moveFocus) {
    this.loading = trackId;
    if (this.id !== trackId) {
      this.id = trackId;
      this.track = null;
      $("track-body").hidden = true;
      $("track-title").textContent = "Solution track";
      $("track-facts").replaceChildren();
      $("track-summary").textContent = "";
      this.forms.reset();
    }
    $("track-status").textContent = this.track ? "" : "Loading the track…";
    if (moveFocus) $("track-title").focus();
    try {
      const [track] = await Promise.all([this.page.api.track(trackId),
        this.page.ensureLoaded().catch(() => null)]);
      if (this.loading !== trackId) return;
      $("track-status").textContent = "";
      this.render(track);
    } catch (error) {
      if (this.loading !== trackId) return;
      $("track-status").textContent = `This track cannot be shown: ${error.message}`;
    }
    if (moveFocus) $("track-title").focus();
  }

  render(track) {
    this.track = track;
    const page = this.page;
    $("track-title").textContent = track.title;
    page.setTitle(track.title);
    const origin = track.origin;
    const decision = this.decision(track);
    const from = el("a", "", decision ? `“${shorten(decision.title, 60)}”` : "its decision");
    from.dataset.nav = "";
    from.href = page.link({ board: origin.board_id, trace: origin.decision_id });
    const facts = [badge("status", track.status, TRACK_STATUS[track.status] ?? track.status),
      " · started from the decision on ", from];
    if (decision) facts.push(` (${decision.board_title})`);
    facts.push(` · led by ${page.whoInProse(track.lead, "facilitator")} · updated `,
      timeEl(track.updated_at));
    $("track-facts").replaceChildren(...facts);
    $("track-summary").textContent = track.summary;
    $("track-actions").replaceChildren(actionList(track.actions ?? [],
      "The decision has no action items."));
    this.renderSprints(track);
    this.renderAssessments(track);
    this.renderValidations(track);
    this.renderPractices(track);
    this.renderPresentation(track);
    this.renderTimeline(track, decision);
    this.forms.render(track);
    $("track-body").hidden = false;
  }

  /** The decision the track started from, from the workshop's decision log (null: unseen). */
  decision(track) {
    const origin = track.origin;
    return this.page.data.decisions
      ?.find((d) => d.board_id === origin.board_id && d.id === origin.decision_id) ?? null;
  }

  /** One line per event: what happened, by titles, and who did it, by name. */
  renderTimeline(track, decision) {
    $("timeline").replaceChildren(...track.timeline.map((t) => {
      const li = el("li", "timeline-item");
      li.dataset.kind = t.kind;
      const text = el("span", "timeline-text", t.summary);
      if (t.kind === "track.started" && decision) {
        text.append(`: “${shorten(decision.title, 60)}” on ${decision.board_title}`);
      }
      const who = t.actor ? el("span", "timeline-who", `by ${this.page.whoInProse(t.actor, t.role)}`)
        : null;
      li.append(box("span", "timeline-when", timeEl(t.at)), text, who ?? "");
      return li;
    }));
  }

  renderSprints(track) {
    const items = track.sprints.map((s) => {
      const li = el("li", "sprint");
      li.dataset.sprint = s.id;
      li.append(box("div", "sprint-head", el("h3", "", `${this.sprintName(s)}: ${s.goal}`),
        badge("sprint-state", s.closed ? "closed" : "open", s.closed ? "Closed" : "Open")));
      const when = el("p", "meta", formatPeriod(s.starts_on, s.ends_on));
      when.title = `${s.starts_on} to ${s.ends_on}, both days included`;
      li.append(when);
      if (s.outcome) li.append(box("p", "outcome-line", el("strong", "", "Outcome: "), s.outcome));
      const updates = el("ol", "updates");
      updates.setAttribute("aria-label", `Updates of ${this.sprintName(s)}`);
      for (const u of s.updates) {
        const item = el("li", "update");
        item.dataset.status = u.status;
        item.append(box("p", "update-head", badge("status", u.status, UPDATE_STATUS[u.status] ?? u.status),
          " ", timeEl(u.recorded_at)));
        const facts = el("dl", "update-facts");
        for (const [term, text] of [["Done", u.done], ["Next", u.next], ["Blockers", u.blockers]]) {
          if (text) facts.append(el("dt", "", term), el("dd", "", text));
        }
        if (facts.childElementCount) item.append(facts);
        updates.append(item);
      }
      li.append(s.updates.length ? updates : el("p", "muted", "No update yet."));
      return li;
    });
    $("sprints").replaceChildren(...items);
    if (!items.length) $("sprints").append(el("li", "empty", "No sprint planned yet."));
  }

  renderAssessments(track) {
    const blocks = track.assessments.map((a) => {
      const sprint = track.sprints.find((s) => s.id === a.sprint_id);
      const section = box("section", "assessment",
        el("h3", "", sprint ? `Assessment of ${this.sprintName(sprint)}`
          : "Assessment of the whole track"));
      const table = el("table", "criteria");
      table.append(box("caption", "visually-hidden", "Criteria and scores from 1 to 5"));
      table.append(box("thead", "", box("tr", "", th("Criterion"), th("Score"), th("Note"))));
      const body = el("tbody");
      for (const c of a.criteria) {
        const score = el("td", "score");
        const meter = document.createElement("meter");
        meter.min = 0;
        meter.max = 5;
        meter.value = c.score;
        meter.setAttribute("aria-hidden", "true");
        score.append(meter, ` ${c.score} / 5`);
        body.append(box("tr", "", el("th", "", c.name), score, el("td", "", c.note || "—")));
        body.lastChild.firstChild.scope = "row";
      }
      table.append(body);
      section.append(table);
      if (a.summary) section.append(el("p", "", a.summary));
      section.append(box("p", "meta", "Recorded ", timeEl(a.recorded_at)));
      return section;
    });
    $("assessments").replaceChildren(...blocks);
    if (!blocks.length) $("assessments").append(el("p", "muted", "No assessment yet."));
  }

  renderValidations(track) {
    const blocks = track.validations.map((v) => {
      const section = el("section", "validation");
      section.dataset.validation = v.id;
      const verdict = v.result
        ? badge("verdict", v.result.verdict, VERDICTS[v.result.verdict] ?? v.result.verdict)
        : badge("verdict", "pending", "Awaiting result");
      section.append(box("div", "sprint-head", el("h3", "", v.method), verdict));
      const groups = plural(v.stakeholders.length, "stakeholder group", "stakeholder groups");
      section.append(el("p", "meta", `${formatPeriod(v.starts_on, v.ends_on)} · ${groups}`));
      const who = el("ul", "stakeholders");
      who.setAttribute("aria-label", `Stakeholder groups of “${shorten(v.method, 60)}”`);
      for (const name of v.stakeholders) who.append(el("li", "", name));
      section.append(who);
      if (v.result?.verdicts?.length) section.append(groupVerdicts(v));
      if (v.result) {
        section.append(box("p", "findings", el("strong", "", "Findings: "), v.result.findings));
      }
      return section;
    });
    $("validations").replaceChildren(...blocks);
    if (!blocks.length) $("validations").append(el("p", "muted", "No validation planned yet."));
  }

  renderPractices(track) {
    const items = track.practices.map((p) => {
      const parts = el("dl", "practice-parts");
      for (const [term, text] of [["Context", p.context], ["What was done", p.description],
        ["Result", p.result], ["What others can reuse", p.reuse]]) {
        if (text) parts.append(el("dt", "", term), el("dd", "", text));
      }
      return box("li", "practice", el("h3", "", p.title), parts,
        box("p", "meta", "Documented ", timeEl(p.recorded_at)));
    });
    $("practices").replaceChildren(...items);
    if (!items.length) $("practices").append(el("li", "empty", "No good practice documented yet."));
  }

  renderPresentation(track) {
    const p = track.presentation;
    if (!p) {
      $("presentation").replaceChildren(el("p", "muted", "Not presented yet."));
      return;
    }
    const parts = [box("p", "meta", "Presented on ", dayEl(p.presented_on)), el("p", "", p.summary)];
    if (p.link && /^https?:\/\//i.test(p.link)) { // people's text: only web links become links
      const a = el("a", "", "Slides and material");
      a.href = p.link;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      a.append(srOnly(" (opens in a new tab)"));
      parts.push(box("p", "", a));
    } else if (p.link) {
      parts.push(el("p", "meta", p.link));
    }
    $("presentation").replaceChildren(...parts);
  }
}

/** Each stakeholder group's own verdict, in words (the badge's colour only repeats them). */
function groupVerdicts(v) {
  const list = el("ul", "group-verdicts");
  list.setAttribute("aria-label", `Verdicts of the stakeholder groups of “${shorten(v.method, 60)}”`);
  for (const g of v.result.verdicts) {
    list.append(box("li", "group-result", el("span", "group-name", `${g.stakeholder}: `),
      badge("verdict-of-group", g.verdict, VERDICTS[g.verdict] ?? g.verdict),
      g.note ? el("span", "group-result-note", ` — ${g.note}`) : null));
  }
  return list;
}

function th(text) {
  const cell = el("th", "", text);
  cell.scope = "col";
  return cell;
}
