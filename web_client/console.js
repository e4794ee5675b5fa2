// Running every breakout group at once from the workshop page (facilitators): a phase, one
// timer (minutes and seconds, with a label), private writing, the reveal, the lock, and
// "Everyone to the plenary". Each is one POST /api/workshops/{id}/all: one step recorded on
// every breakout board with one correlation id, or on none. The live agenda starts its
// blocks here too, and a block's timer for every group.
import { el, plural } from "./dom.js";
import { PHASE_LABELS, PHASES } from "./facilitation.js";

const $ = (id) => document.getElementById(id);

const DONE = {
  "phase.change": (c) => `moved to ${PHASE_LABELS[c.phase] ?? c.phase}`,
  "timer.start": (c) => `timer of ${clock(c.seconds)} started${c.label ? ` (“${c.label}”)` : ""}`,
  "timer.stop": () => "timer stopped",
  "private.start": () => "private writing started",
  "notes.reveal": () => "notes revealed",
  "board.lock": () => "locked",
  "board.unlock": () => "unlocked",
  "board.gather": () => "called to the plenary",
};

export class Console {
  constructor(page) {
    this.page = page;
    this.api = page.api;
  }

  get path() { return `/api/workshops/${encodeURIComponent(this.page.id)}`; }

  start() {
    $("console").hidden = false;
    $("all-phase").replaceChildren(...PHASES.map((p) => new Option(PHASE_LABELS[p], p)));
    $("all-phase-go").addEventListener("click",
      () => this.run({ type: "phase.change", phase: $("all-phase").value }));
    $("all-timer").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const seconds = Number($("all-minutes").value) * 60 + Number($("all-seconds").value);
      this.run({ type: "timer.start", seconds, label: $("all-label").value.trim() });
    });
    for (const button of document.querySelectorAll("#console [data-all]")) {
      button.addEventListener("click", () => this.run({ type: button.dataset.all }));
    }
    $("gather-go").addEventListener("click",
      () => this.run({ type: "board.gather", board_id: $("gather-board").value }));
    $("agenda").addEventListener("click", (ev) => {
      const button = ev.target.closest("button[data-agenda]");
      if (button) this.agenda(Number(button.dataset.index), button.dataset.agenda);
    });
  }

  /** The plenary boards to call people to; the button waits for one. */
  render(workshop) {
    const plenaries = workshop.boards.filter((b) => b.kind === "plenary");
    const key = JSON.stringify(plenaries);
    if (key === this.drawn) return; // an open list is not redrawn under the pointer
    this.drawn = key;
    const select = $("gather-board");
    const chosen = select.value;
    select.replaceChildren(...plenaries.map((b) => new Option(b.title, b.id)));
    if (plenaries.some((b) => b.id === chosen)) select.value = chosen;
    $("gather-go").disabled = !plenaries.length;
    select.disabled = !plenaries.length;
  }

  /** Run `command` on every breakout board; say what happened, or why not. */
  async run(command) {
    const status = $("console-status");
    status.className = "form-ok";
    status.textContent = "Sending to every group…";
    try {
      const done = await this.api.call("POST", `${this.path}/all`, { command });
      const changed = done.boards.filter((b) => b.events.length).length;
      status.textContent = done.boards.length
        ? `Every group: ${DONE[command.type](command)} (${plural(changed, "board", "boards")} changed).`
        : "There is no breakout group yet.";
      await this.page.refresh();
    } catch (error) {
      status.className = "form-error";
      status.textContent = `Nothing changed on any board: ${error.message}`;
    }
  }

  /** Start agenda block `index`, or its timer on every group. */
  async agenda(index, what) {
    const item = this.page.data.overview?.agenda[index];
    if (!item) return;
    if (what === "timer") {
      await this.run({ type: "timer.start", seconds: item.minutes * 60, label: item.title.slice(0, 80) });
      return;
    }
    try {
      await this.api.call("POST", `${this.path}/agenda/start`, { index });
      $("console-status").className = "form-ok";
      $("console-status").textContent = `Now: ${item.title}.`;
      await this.page.refresh();
    } catch (error) {
      $("console-status").className = "form-error";
      $("console-status").textContent = `The agenda did not move: ${error.message}`;
    }
  }
}

/** The agenda's facilitator controls for block `index`: start it, start its timer for all. */
export function agendaControls(item, index) {
  const start = el("button", "", "Start");
  start.type = "button";
  start.dataset.agenda = "start";
  start.dataset.index = String(index);
  start.setAttribute("aria-label", `Start “${item.title}”`);
  const timer = el("button", "", "Timer for all");
  timer.type = "button";
  timer.dataset.agenda = "timer";
  timer.dataset.index = String(index);
  timer.setAttribute("aria-label", `Start a ${item.minutes}-minute timer for every group: “${item.title}”`);
  timer.disabled = item.minutes < 1 || item.minutes > 240;
  const controls = el("span", "agenda-controls");
  controls.append(start, timer);
  return controls;
}

const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
