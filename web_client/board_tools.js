// The tools around the board page's canvas: the forms that add a note or a cluster (closed,
// and saying why, while the lock or the phase closes them), and the view tools (zoom, fit, zoom
// to a cluster, tidy a cluster or the board).
import { filled } from "./dom.js";
import { uuidv7 } from "./ids.js";
import { phasesOf } from "./facilitation.js";

const $ = (id) => document.getElementById(id);
// localeCompare as it is, without building its collator again for each of a big board's clusters.
const byLabel = new Intl.Collator().compare;

export class BoardTools {
  /** `page`: the board page (board_page.js) whose view, space and commands it uses. */
  constructor(page) {
    this.page = page;
  }

  /** The note and cluster forms. */
  wire() {
    $("add-note").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = $("note-text");
      const text = filled(input);
      if (!text) return;
      this.addNote(text, $("note-colour").value);
      input.value = "";
    });
    $("add-cluster").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = $("cluster-label");
      const label = filled(input);
      if (!label) return;
      this.addCluster(label);
      input.value = "";
    });
  }

  /** A new note or cluster goes where the board finds room nearest the middle of my screen. */
  addNote(text, colour) {
    const near = this.page.space.centre();
    return this.page.command({ type: "note.add", note_id: uuidv7(), text, near, colour });
  }

  addCluster(label) {
    const near = this.page.space.centre();
    return this.page.command({ type: "cluster.create", cluster_id: uuidv7(), label, near });
  }

  /** Note and cluster forms follow the lock and the phase (participants); say why not. */
  renderTools() {
    if (this.page.readOnly) return;
    const noteWhy = this.page.refused("note.add");
    const clusterWhy = this.page.refused("cluster.create");
    for (const node of $("add-note").elements) node.disabled = Boolean(noteWhy);
    for (const node of $("add-cluster").elements) node.disabled = Boolean(clusterWhy);
    const hint = $("tools-hint");
    // The lock has its own banner; a phase that closes the forms is said here.
    const why = this.page.view.locked || !noteWhy ? null
      : `Notes are written in the ${phasesOf("note.add")} phases`
        + (clusterWhy ? `, clusters made in the ${phasesOf("cluster.create")} phases.` : ".");
    hint.hidden = !why;
    hint.textContent = why ?? "";
    document.body.classList.toggle("frozen", Boolean(this.page.refused("note.move")));
  }

  /** The cluster picker of the view tools follows the board's clusters. */
  renderViewTools() {
    const pick = $("cluster-pick");
    const clusters = Object.values(this.page.view.clusters)
      .sort((a, b) => byLabel(a.label, b.label));
    const key = clusters.map((c) => `${c.id}\u0000${c.label}`).join("\u0001");
    if (pick.dataset.key !== key) {
      const chosen = pick.value;
      pick.replaceChildren(...clusters.map((c) => new Option(c.label, c.id)));
      if (clusters.some((c) => c.id === chosen)) pick.value = chosen;
      pick.dataset.key = key;
    }
    for (const id of ["cluster-pick", "zoom-cluster", "tidy-cluster"]) $(id).disabled = !clusters.length;
  }

  /** Zoom, fit and tidy: the view tools (tidying is the facilitator's). */
  wireView() {
    this.page.space.wire();
    $("view-tools").hidden = false;
    $("zoom-in").addEventListener("click", () => this.page.space.zoomBy(1.25));
    $("zoom-out").addEventListener("click", () => this.page.space.zoomBy(1 / 1.25));
    $("zoom-fit").addEventListener("click", () => this.page.space.fit());
    $("zoom-cluster").addEventListener("click", () => {
      const rect = this.page.renderer.rects.get($("cluster-pick").value);
      if (rect) this.page.space.show(rect, 1.5);
    });
    $("tidy-cluster").addEventListener("click", () => {
      const id = $("cluster-pick").value;
      if (id) this.page.command({ type: "cluster.tidy", cluster_id: id });
    });
    $("tidy-board").addEventListener("click", () => this.page.command({ type: "board.tidy" }));
  }
}
