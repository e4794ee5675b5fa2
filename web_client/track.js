// The solution track view (?track={track_id}): where the track came from, its sprints and
// their updates, assessments, validations with stakeholders, good practices, the final
// presentation and the flat timeline. Facilitators and participants post sprint updates and
// document good practices here; a refusal shows the server's own message.
import {
  badge, box, dayEl, el, formatPeriod, plural, say, shorten, srOnly, timeEl, TRACK_STATUS,
  VERDICTS,
} from "./dom.js";
import { uuidv7 } from "./ids.js";

const $ = (id) => document.getElementById(id);
const UPDATE_STATUS = { on_track: "On track", at_risk: "At risk", blocked: "Blocked" };

export class TrackView {
  constructor(page) {
    this.page = page;
    this.id = null;
    this.track = null;
    this.loading = null;
    // A form's command (and its id) lives until the server answers, so sending it again
    // after a dropped connection cannot record the same update twice.
    this.pendingIds = { update: null, practice: null };
  }

  wire() {
    $("update-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const sprintId = $("update-sprint").value;
      if (!sprintId) return;
      this.send("update", {
        type: "sprint.update", update_id: uuidv7(), sprint_id: sprintId,
        status: $("update-status").value, done: $("update-done").value.trim(),
        next: $("update-next").value.trim(), blockers: $("update-blockers").value.trim(),
      }, () => {
        for (const id of ["update-done", "update-next", "update-blockers"]) $(id).value = "";
        const sprint = this.track.sprints.find((s) => s.id === sprintId);
        return `Update posted to ${sprintName(this.track, sprint)}.`;
      });
    });
    $("practice-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const title = $("practice-title").value.trim();
      this.send("practice", {
        type: "practice.document", practice_id: uuidv7(), title,
        description: $("practice-description").value.trim(),
      }, () => {
        $("practice-title").value = "";
        $("practice-description").value = "";
        return `Good practice documented: ${title}.`;
      });
    });
    $("update-status").addEventListener("change", () => {
      $("update-blockers").required = $("update-status").value === "blocked";
    });
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
      for (const name of ["update", "practice"]) {
        say($(`${name}-error`), null);
        say($(`${name}-done-msg`), null);
      }
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

  /** Send a track command from form `name`; on success reset it and show the track again. */
  async send(name, command, succeeded) {
    const form = $(`${name}-form`);
    const button = form.querySelector("button[type=submit]");
    say($(`${name}-error`), null);
    say($(`${name}-done-msg`), null);
    // Sent again unchanged after a dropped connection: the same command under the same id.
    const pending = this.pendingIds[name];
    const resend = pending && JSON.stringify(withoutIds(pending.command))
      === JSON.stringify(withoutIds(command));
    const sending = resend ? pending : { id: uuidv7(), command };
    this.pendingIds[name] = sending;
    button.disabled = true;
    try {
      await this.page.api.trackCommand(this.id, sending.command, sending.id);
      this.pendingIds[name] = null;
      const message = succeeded();
      await this.load(this.id, false);
      say($(`${name}-done-msg`), message);
    } catch (error) {
      if (error.code !== "network") this.pendingIds[name] = null; // the server answered: done
      say($(`${name}-error`), error.message);
    } finally {
      button.disabled = false;
    }
  }

  render(track) {
    this.track = track;
    const page = this.page;
    $("track-title").textContent = track.title;
    page.setTitle(track.title);
    const origin = track.origin;
    const decision = page.data.decisions
      ?.find((d) => d.board_id === origin.board_id && d.id === origin.decision_id);
    const from = el("a", "", decision ? `“${shorten(decision.title, 60)}”` : origin.decision_id);
    from.dataset.nav = "";
    from.href = page.link({ board: origin.board_id, trace: origin.decision_id });
    const facts = [badge("status", track.status, TRACK_STATUS[track.status] ?? track.status),
      " · started from the decision on ", from];
    if (decision) facts.push(` (${decision.board_title})`);
    facts.push(` · led by ${page.whoInProse(track.lead, "facilitator")} · updated `,
      timeEl(track.updated_at));
    $("track-facts").replaceChildren(...facts);
    $("track-summary").textContent = track.summary;
    this.renderSprints(track);
    this.renderAssessments(track);
    this.renderValidations(track);
    this.renderPractices(track);
    this.renderPresentation(track);
    $("timeline").replaceChildren(...track.timeline.map((t) => {
      const li = el("li", "timeline-item");
      li.dataset.kind = t.kind;
      li.append(timeEl(t.at), el("span", "timeline-text", t.summary));
      return li;
    }));
    this.renderForms(track);
    $("track-body").hidden = false;
  }

  renderSprints(track) {
    const items = track.sprints.map((s) => {
      const li = el("li", "sprint");
      li.dataset.sprint = s.id;
      li.append(box("div", "sprint-head", el("h3", "", `${sprintName(track, s)}: ${s.goal}`),
        badge("sprint-state", s.closed ? "closed" : "open", s.closed ? "Closed" : "Open")));
      const when = el("p", "meta", formatPeriod(s.starts_on, s.ends_on));
      when.title = `${s.starts_on} to ${s.ends_on}, both days included`;
      li.append(when);
      if (s.outcome) li.append(box("p", "outcome-line", el("strong", "", "Outcome: "), s.outcome));
      const updates = el("ol", "updates");
      updates.setAttribute("aria-label", `Updates of ${sprintName(track, s)}`);
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
        el("h3", "", sprint ? `Assessment of ${sprintName(track, sprint)}`
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
      who.setAttribute("aria-label", "Stakeholders");
      for (const name of v.stakeholders) who.append(el("li", "", name));
      section.append(who);
      if (v.result) {
        section.append(box("p", "findings", el("strong", "", "Findings: "), v.result.findings));
      }
      return section;
    });
    $("validations").replaceChildren(...blocks);
    if (!blocks.length) $("validations").append(el("p", "muted", "No validation planned yet."));
  }

  renderPractices(track) {
    const items = track.practices.map((p) => box("li", "practice", el("h3", "", p.title),
      el("p", "", p.description), box("p", "meta", "Documented ", timeEl(p.recorded_at))));
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

  renderForms(track) {
    const may = this.page.mayReport;
    $("track-forms").hidden = !may;
    if (!may) return;
    const select = $("update-sprint");
    const chosen = select.value;
    const open = track.sprints.filter((s) => !s.closed);
    select.replaceChildren(...open.map((s) => new Option(
      `${sprintName(track, s)}: ${shorten(s.goal, 40)} (${formatPeriod(s.starts_on, s.ends_on)})`, s.id)));
    if (open.some((s) => s.id === chosen)) select.value = chosen;
    const none = !open.length;
    for (const node of $("update-form").elements) node.disabled = none;
    $("update-none").hidden = !none;
  }
}

/** "Sprint 2": a sprint's place in date order. */
function sprintName(track, sprint) {
  return sprint ? `Sprint ${track.sprints.indexOf(sprint) + 1}` : "the sprint";
}

function th(text) {
  const cell = el("th", "", text);
  cell.scope = "col";
  return cell;
}

function withoutIds(command) {
  const { update_id: _u, practice_id: _p, ...rest } = command;
  return rest;
}
