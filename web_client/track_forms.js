// The track page's forms: one per solution-track command (docs/api.md, "Solution tracks"),
// each in a disclosure (<details>) that opens by mouse or keyboard. A form keeps its command,
// and the command's id, until the server answers, so sending it again after a dropped
// connection cannot record the same thing twice; a refusal shows the server's own message
// under the form.
import { box, el, formatPeriod, say, shorten, VERDICTS } from "./dom.js";
import { uuidv7 } from "./ids.js";

const $ = (id) => document.getElementById(id);
const value = (id) => $(id).value.trim();
const FORMS = ["update", "sprint", "close", "assessment", "validation", "result", "practice",
  "presentation"];
const SCORES = [[5, "5 excellent"], [4, "4 good"], [3, "3 fair"], [2, "2 weak"], [1, "1 poor"]];
const CRITERIA_MAX = 12;
/** The id each form mints for what it records: a resend keeps it, a new entry gets a new one. */
const MINTED = { update: "update_id", sprint: "sprint_id", assessment: "assessment_id",
  validation: "validation_id", practice: "practice_id" };

export class TrackForms {
  constructor(view) {
    this.view = view; // the TrackView: its track, its page, and load()
    this.pending = {};
    this.criteriaSeq = 0;
    this.groupsOf = null; // the validation whose groups the verdict form lists
  }

  wire() {
    const on = (name, build) => $(`${name}-form`).addEventListener("submit", (ev) => {
      ev.preventDefault();
      const built = build();
      if (built) this.send(name, built.command, built.done);
    });
    on("update", () => this.update());
    on("sprint", () => ({
      command: { type: "sprint.plan", sprint_id: uuidv7(), goal: value("sprint-goal"),
        starts_on: $("sprint-starts").value, ends_on: $("sprint-ends").value },
      done: () => { clear("sprint-goal", "sprint-starts", "sprint-ends"); return "Sprint planned."; },
    }));
    on("close", () => ({
      command: { type: "sprint.close", sprint_id: $("close-sprint").value,
        outcome: value("close-outcome") },
      done: () => { clear("close-outcome"); return "Sprint closed."; },
    }));
    on("assessment", () => this.assessment());
    on("validation", () => ({
      command: { type: "validation.plan", validation_id: uuidv7(), method: value("validation-method"),
        stakeholders: $("validation-groups").value.split("\n").map((g) => g.trim()).filter(Boolean),
        starts_on: $("validation-starts").value, ends_on: $("validation-ends").value },
      done: () => {
        clear("validation-method", "validation-groups", "validation-starts", "validation-ends");
        return "Validation planned.";
      },
    }));
    on("result", () => ({
      command: { type: "validation.result", validation_id: $("result-validation").value,
        verdict: $("result-verdict").value, findings: value("result-findings"),
        verdicts: groupVerdicts() },
      done: () => { clear("result-findings"); this.groupsOf = null; return "Verdict recorded."; },
    }));
    on("practice", () => {
      const title = value("practice-title");
      return {
        command: { type: "practice.document", practice_id: uuidv7(), title,
          context: value("practice-context"), description: value("practice-description"),
          result: value("practice-result"), reuse: value("practice-reuse") },
        done: () => {
          clear("practice-title", "practice-context", "practice-description", "practice-result",
            "practice-reuse");
          return `Good practice documented: ${title}.`;
        },
      };
    });
    on("presentation", () => ({
      command: { type: "presentation.record", presented_on: $("presentation-on").value,
        summary: value("presentation-summary"), link: value("presentation-link") },
      done: () => "Final presentation recorded.",
    }));
    $("update-status").addEventListener("change", () => {
      $("update-blockers").required = $("update-status").value === "blocked";
    });
    $("assessment-add").addEventListener("click", () => this.addCriterion(true));
    $("result-validation").addEventListener("change", () => this.renderGroups());
    this.addCriterion(false);
  }

  /** Clear every form's messages (another track is shown). */
  reset() {
    this.groupsOf = null;
    for (const name of FORMS) {
      say($(`${name}-error`), null);
      say($(`${name}-done-msg`), null);
    }
  }

  update() {
    const sprintId = $("update-sprint").value;
    if (!sprintId) return null;
    return {
      command: { type: "sprint.update", update_id: uuidv7(), sprint_id: sprintId,
        status: $("update-status").value, done: value("update-done"), next: value("update-next"),
        blockers: value("update-blockers") },
      done: () => {
        clear("update-done", "update-next", "update-blockers");
        const sprint = this.view.track.sprints.find((s) => s.id === sprintId);
        return `Update posted to ${this.view.sprintName(sprint)}.`;
      },
    };
  }

  assessment() {
    const criteria = [...$("assessment-criteria").children].map((row) => ({
      name: row.querySelector(".criterion-name").value.trim(),
      score: Number(row.querySelector(".criterion-score").value),
      note: row.querySelector(".criterion-note").value.trim(),
    })).filter((c) => c.name || c.note);
    return {
      command: { type: "assessment.record", assessment_id: uuidv7(),
        sprint_id: $("assessment-of").value || null, criteria, summary: value("assessment-summary") },
      done: () => {
        $("assessment-criteria").replaceChildren();
        this.addCriterion(false);
        clear("assessment-summary");
        return "Assessment recorded.";
      },
    };
  }

  /** One criterion's row (name, score, note, remove); `focus` moves to its name. */
  addCriterion(focus) {
    const list = $("assessment-criteria");
    if (list.childElementCount >= CRITERIA_MAX) return;
    const n = ++this.criteriaSeq;
    const row = el("li", "criterion-row");
    const field = (label, node, cls) => {
      node.id = `criterion-${cls}-${n}`;
      node.className = `criterion-${cls}`;
      const l = el("label", "", label);
      l.htmlFor = node.id;
      return [l, node];
    };
    const name = document.createElement("input");
    name.maxLength = 120;
    const score = document.createElement("select");
    for (const [v, text] of SCORES) score.append(new Option(text, String(v)));
    score.value = "3";
    const note = document.createElement("input");
    note.maxLength = 2000;
    const remove = el("button", "remove-criterion", "Remove");
    remove.type = "button";
    remove.addEventListener("click", () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      renumber(list);
      (next?.querySelector("input") ?? $("assessment-add")).focus();
    });
    row.append(...field("Criterion", name, "name"), ...field("Score", score, "score"),
      ...field("Note", note, "note"), remove);
    list.append(row);
    renumber(list);
    if (focus) name.focus();
  }

  /** One row per stakeholder group of the chosen validation: its own verdict (none unless
   * chosen) and a note. Kept while the same validation stays chosen, so a reload of the track
   * does not wipe what is being filled in. */
  renderGroups() {
    const chosen = this.view.track?.validations.find((v) => v.id === $("result-validation").value);
    if ((chosen?.id ?? null) === this.groupsOf) return;
    this.groupsOf = chosen?.id ?? null;
    const rows = (chosen?.stakeholders ?? []).map((group, i) => {
      const verdict = document.createElement("select");
      verdict.className = "group-verdict";
      verdict.append(new Option("No verdict of its own", ""),
        ...Object.entries(VERDICTS).map(([v, text]) => new Option(text, v)));
      const note = document.createElement("input");
      note.className = "group-note";
      note.maxLength = 2000;
      const row = box("li", "group-verdict-row",
        ...labelled(`Verdict of ${group}`, verdict, `result-group-verdict-${i}`),
        ...labelled(`Note from ${group}`, note, `result-group-note-${i}`));
      row.dataset.stakeholder = group;
      return row;
    });
    $("result-group-list").replaceChildren(...rows);
    $("result-groups").hidden = !rows.length;
  }

  /** Send form `name`'s command; on success reset the form and show the track again. */
  async send(name, command, succeeded) {
    const form = $(`${name}-form`);
    const button = form.querySelector("button[type=submit]");
    say($(`${name}-error`), null);
    say($(`${name}-done-msg`), null);
    // Sent again unchanged after a dropped connection: the same command under the same ids.
    const pending = this.pending[name];
    const resend = pending && JSON.stringify(withoutMinted(name, pending.command))
      === JSON.stringify(withoutMinted(name, command));
    const sending = resend ? pending : { id: uuidv7(), command };
    this.pending[name] = sending;
    button.disabled = true;
    try {
      await this.view.page.api.trackCommand(this.view.id, sending.command, sending.id);
      this.pending[name] = null;
      const message = succeeded();
      await this.view.load(this.view.id, false);
      say($(`${name}-done-msg`), message);
    } catch (error) {
      if (error.code !== "network") this.pending[name] = null; // the server answered: done
      say($(`${name}-error`), error.message);
    } finally {
      button.disabled = false;
    }
  }

  /** Fill the forms' choices from `track`, and show them to those who may use them. */
  render(track) {
    const page = this.view.page;
    $("track-forms").hidden = !page.mayReport;
    if (!page.mayReport) return;
    const open = track.sprints.filter((s) => !s.closed);
    const sprintOption = (s) => new Option(
      `${this.view.sprintName(s)}: ${shorten(s.goal, 40)} (${formatPeriod(s.starts_on, s.ends_on)})`, s.id);
    fill("update-sprint", open.map(sprintOption));
    fill("close-sprint", open.map(sprintOption));
    fill("assessment-of", [new Option("The whole track", ""), ...track.sprints.map(sprintOption)]);
    const waiting = track.validations.filter((v) => !v.result);
    fill("result-validation", waiting.map((v) => new Option(
      `${v.method} (${formatPeriod(v.starts_on, v.ends_on)})`, v.id)));
    this.renderGroups();
    disableUnless("update", open.length);
    disableUnless("close", open.length);
    disableUnless("result", waiting.length);
    $("presentation-box").hidden = page.me.role !== "facilitator" || Boolean(track.presentation);
  }
}

/** `[label, node]`, the label naming `node` (given `id`). */
function labelled(text, node, id) {
  node.id = id;
  const label = el("label", "", text);
  label.htmlFor = id;
  return [label, node];
}

/** The verdicts form's groups that were given a verdict of their own. */
function groupVerdicts() {
  return [...$("result-group-list").children]
    .filter((row) => row.querySelector(".group-verdict").value)
    .map((row) => ({ stakeholder: row.dataset.stakeholder,
      verdict: row.querySelector(".group-verdict").value,
      note: row.querySelector(".group-note").value.trim() }));
}

function clear(...ids) { for (const id of ids) $(id).value = ""; }

/** Replace a select's options, keeping the chosen one if it is still offered. */
function fill(id, options) {
  const select = $(id);
  const chosen = select.value;
  select.replaceChildren(...options);
  if (options.some((o) => o.value === chosen)) select.value = chosen;
}

/** A form with nothing to act on is disabled, and says so. */
function disableUnless(name, any) {
  for (const node of $(`${name}-form`).elements) node.disabled = !any;
  $(`${name}-none`).hidden = Boolean(any);
}

/** Each row's remove button says which criterion it removes ("Remove criterion 2"). */
function renumber(list) {
  [...list.children].forEach((row, i) => {
    row.querySelector(".remove-criterion").setAttribute("aria-label", `Remove criterion ${i + 1}`);
  });
}

function withoutMinted(name, command) {
  const rest = { ...command };
  delete rest[MINTED[name]];
  return rest;
}
