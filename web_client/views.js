// The board's views of one folded view: the canvas (board.js), a list (listview.js) that a
// phone can read and work in, and the impact/effort grid (grid.js). A switch picks one; until
// someone picks, a screen 600 px wide or less shows the list (the media query in views.css).
import { itemMarks } from "./board.js";
import { mayVote } from "./facilitation.js";
import { GridView } from "./grid.js";
import { ListView } from "./listview.js";

const $ = (id) => document.getElementById(id);
const NARROW = "(max-width: 600px)";
const CHOICE = "plenary-board-view"; // sessionStorage: the view this tab last picked
export const VIEWS = ["canvas", "list", "grid"];

export class BoardViews {
  /**
   * host: {send(command) → op id | null, refused(type) → why not | null, mayEdit(note),
   * vote(itemId, add), me() → {id, role} as the view names me, names() → Map id → name}
   */
  constructor(host) {
    this.host = host;
    this.list = new ListView(host);
    this.grid = new GridView(host);
    this.narrow = matchMedia(NARROW);
    this.chosen = VIEWS.includes(sessionStorage.getItem(CHOICE)) ? sessionStorage.getItem(CHOICE) : null;
    this.view = null;
  }

  /** The view shown now: the one picked, else the list on a narrow screen, else the canvas. */
  get current() {
    return this.chosen ?? (this.narrow.matches ? "list" : "canvas");
  }

  start() {
    $("view-switch").hidden = false;
    for (const button of $("view-switch").querySelectorAll("button")) {
      button.addEventListener("click", () => this.choose(button.dataset.view));
    }
    this.narrow.addEventListener("change", () => this.show());
    this.list.wire();
    this.grid.wire();
    this.show();
  }

  choose(name) {
    this.chosen = name;
    sessionStorage.setItem(CHOICE, name);
    this.show();
  }

  show() {
    const current = this.current;
    $("board").dataset.view = this.chosen ?? "auto";
    for (const button of $("view-switch").querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(button.dataset.view === current));
    }
    if (this.view) this.render(this.view);
  }

  /** Draw the shown view of `view` (the canvas draws itself); the decision form's grid line
   * follows the grid whichever view shows. */
  render(view) {
    this.view = view;
    const me = this.host.me();
    const current = this.current;
    if (current === "list") {
      const marks = itemMarks(view, me.id, (round) => mayVote(view, round, this.host.actor()));
      this.list.render(view, { me, marks, names: this.host.names() });
    }
    if (current === "grid") this.grid.render(view);
    this.grid.renderEvidence(view);
  }
}
