// The organiser's home page, /: their programmes and workshops, and forms to create more.
// An organiser arrives here with their sign-in link (`plenary organiser add NAME` prints it);
// opening a workshop gives them a facilitator session for it.
import { box, dayEl, el, say, WORKSHOP_KINDS } from "./dom.js";

const $ = (id) => document.getElementById(id);

export class HomePage {
  constructor(api, me) {
    this.api = api;
    this.me = me;
  }

  async start() {
    $("home").hidden = false;
    $("status").hidden = true;
    $("title").hidden = true; // the page has its own h1
    $("home-guest").hidden = true;
    $("organiser").hidden = false;
    $("organiser-name").textContent = this.me.name;
    const kinds = $("new-workshop-kind");
    kinds.replaceChildren(...Object.entries(WORKSHOP_KINDS).map(([v, t]) => new Option(t, v)));
    $("new-programme").addEventListener("submit", (ev) => this.createProgramme(ev));
    $("new-workshop").addEventListener("submit", (ev) => this.createWorkshop(ev));
    $("programmes").addEventListener("click", (ev) => this.open(ev));
    await this.refresh();
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

  programmeCard(programme) {
    const workshops = el("ul", "home-workshops");
    for (const w of programme.workshops) {
      const open = el("button", "link-button", `Open ${w.title}`);
      open.type = "button";
      open.dataset.workshop = w.id;
      workshops.append(box("li", "", open, " ", el("span", "hint-inline",
        `${WORKSHOP_KINDS[w.kind] ?? w.kind} · `), dayEl(w.date)));
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
    const title = $("new-programme-title").value.trim();
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
    const body = {
      title: $("new-workshop-title").value.trim(),
      kind: $("new-workshop-kind").value,
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
