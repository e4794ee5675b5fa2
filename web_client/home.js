// The organiser's home page, /: their programmes and workshops with what to do next, and forms
// to create more; a workshop starts from a template (docs/templates.md): its agenda, its
// plenary and breakout boards with their prompts. An organiser arrives here with their sign-in
// link (`plenary organiser add NAME` prints it); opening a workshop gives them a facilitator
// session for it.
import { box, dayEl, el, filled, say, WORKSHOP_KINDS } from "./dom.js";

const $ = (id) => document.getElementById(id);
const DAY_MS = 24 * 60 * 60 * 1000;

export class HomePage {
  constructor(api, me) {
    this.api = api;
    this.me = me;
    this.templates = [];
  }

  async start() {
    $("home").hidden = false;
    $("status").hidden = true;
    $("title").hidden = true; // the page has its own h1
    $("home-guest").hidden = true;
    $("organiser").hidden = false;
    $("organiser-name").textContent = this.me.name;
    $("new-programme").addEventListener("submit", (ev) => this.createProgramme(ev));
    $("new-workshop").addEventListener("submit", (ev) => this.createWorkshop(ev));
    $("new-workshop-template").addEventListener("change", () => this.preview(true));
    $("programmes").addEventListener("click", (ev) => this.open(ev));
    await Promise.all([this.refresh(), this.loadTemplates()]);
  }

  async refresh() {
    const { programmes } = await this.api.programmes();
    this.programmes = programmes;
    const list = $("programmes");
    list.replaceChildren(...programmes.map((p) => this.programmeCard(p)));
    $("programmes-empty").hidden = programmes.length > 0;
    const select = $("new-workshop-programme");
    select.replaceChildren(new Option("A programme of its own", ""),
      ...programmes.map((p) => new Option(p.title, p.id)));
  }

  /** The template picker: the built-in ones, then those saved in the organiser's programmes. */
  async loadTemplates() {
    this.templates = (await this.api.templates()).templates;
    const builtin = el("optgroup");
    builtin.label = "Workshop kinds";
    const saved = el("optgroup");
    saved.label = "Saved from your workshops";
    for (const entry of this.templates) {
      const t = entry.template;
      const label = entry.source === "saved" ? `${t.name} (${entry.programme_title})` : t.name;
      (entry.source === "saved" ? saved : builtin).append(new Option(label, t.id));
    }
    $("new-workshop-template").replaceChildren(builtin, ...(saved.children.length ? [saved] : []));
    this.preview(true);
  }

  selected() {
    const id = $("new-workshop-template").value;
    return this.templates.find((e) => e.template.id === id)?.template ?? null;
  }

  /** Show the chosen template's agenda and boards; `reset` sets its breakout count. */
  preview(reset) {
    const t = this.selected();
    const box_ = $("new-workshop-preview");
    if (!t) { box_.replaceChildren(); return; }
    if (reset) $("new-workshop-breakouts").value = String(t.breakouts);
    const minutes = t.agenda.reduce((sum, item) => sum + item.minutes, 0);
    const agenda = el("ol", "template-agenda");
    agenda.append(...t.agenda.map((item) => el("li", "", `${item.title} · ${item.minutes} min`)));
    const boards = t.breakouts === 1 ? "1 breakout board" : `${t.breakouts} breakout boards`;
    box_.replaceChildren(
      el("p", "hint", `${WORKSHOP_KINDS[t.kind] ?? t.kind}: ${t.description || "no description"}`),
      el("p", "template-boards", `A plenary board and ${boards} by default · ${minutes} min in all`),
      agenda,
    );
  }

  programmeCard(programme) {
    const workshops = el("ul", "home-workshops");
    for (const w of programme.workshops) {
      const open = el("button", "link-button", `Open ${w.title}`);
      open.type = "button";
      open.dataset.workshop = w.id;
      workshops.append(box("li", "", open, " ", el("span", "hint-inline",
        `${WORKSHOP_KINDS[w.kind] ?? w.kind} · `), dayEl(w.date), " ",
        el("span", "next-step", nextStep(w))));
    }
    if (!programme.workshops.length) workshops.append(el("li", "muted", "No workshop yet"));
    const heading = el("h3", "", programme.title);
    return box("li", "programme-card", heading, workshops);
  }

  async open(ev) {
    const button = ev.target.closest("button[data-workshop]");
    if (!button) return;
    button.disabled = true;
    try {
      const session = await this.api.enter(button.dataset.workshop);
      location.assign(`/w/${encodeURIComponent(button.dataset.workshop)}`
        + `#token=${encodeURIComponent(session.token)}`);
    } catch (error) {
      say($("home-error"), error.message);
      button.disabled = false;
    }
  }

  async createProgramme(ev) {
    ev.preventDefault();
    const title = filled($("new-programme-title"));
    if (!title) return;
    try {
      await this.api.createProgramme({ title });
      $("new-programme-title").value = "";
      say($("home-error"), null);
      await this.refresh();
    } catch (error) {
      say($("home-error"), error.message);
    }
  }

  async createWorkshop(ev) {
    ev.preventDefault();
    const title = filled($("new-workshop-title"));
    if (!title) return;
    const body = {
      title,
      template: $("new-workshop-template").value,
      breakouts: Number($("new-workshop-breakouts").value),
      date: $("new-workshop-date").value || null,
    };
    const programme = $("new-workshop-programme").value;
    if (programme) body.programme = programme;
    try {
      const made = await this.api.createWorkshop(body);
      location.assign(`/w/${encodeURIComponent(made.id)}`
        + `#token=${encodeURIComponent(made.facilitator_token)}`);
    } catch (error) {
      say($("home-error"), error.message);
    }
  }
}

/** What to do next about a workshop, from its date and boards (the home page's list). */
export function nextStep(workshop, today = new Date()) {
  if (!workshop.board_ids?.length) return "— add its boards";
  if (!workshop.date) return "— set a date, then invite people";
  const days = Math.round((Date.parse(workshop.date) - Date.parse(isoDay(today))) / DAY_MS);
  if (days === 0) return "— running today";
  if (days < 0) return "— took place: follow up its decisions and tracks";
  return `— starts ${days === 1 ? "tomorrow" : `in ${days} days`}: invite people`;
}

const isoDay = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`
  + `-${String(d.getDate()).padStart(2, "0")}`;
