// Clusters edited on the board page: renamed, moved with their notes, merged into another and
// deleted, from the buttons on a cluster's head or by keyboard on the focused cluster
// (docs/architecture.md, "The board page by keyboard").
import { setHidden } from "./dom.js";
import { arrowStep, neighbour } from "./keyboard.js";

const $ = (id) => document.getElementById(id);

export function button(className, text, label) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.title = label;
  return b;
}

export class ClusterEditor {
  /** `send(commands)` sends commands as one (grouping.js). */
  constructor(page, send) {
    this.page = page;
    this.send = send;
    this.actions = new WeakMap(); // a cluster's element → {actions, merge}: its head's buttons
  }

  get view() { return this.page.view; }

  wire() {
    $("canvas").addEventListener("click", (ev) => {
      const action = ev.target.closest(".cluster-actions button");
      const id = action?.closest(".cluster").dataset.id;
      if (!action) return;
      if (action.classList.contains("rename")) this.startRename(id);
      if (action.classList.contains("merge")) this.startMerge(id);
      if (action.classList.contains("remove")) this.deleteCluster(id);
    });
  }

  /** The head's buttons, shown to those who may use them now. */
  render(view) {
    const may = !this.page.readOnly && !this.page.refused("cluster.rename");
    const alone = Object.keys(view.clusters).length < 2;
    for (const el of this.page.renderer.clusters.values()) {
      let made = this.actions.get(el);
      if (!made) {
        made = { actions: document.createElement("span"),
          merge: button("merge", "⇢", "Merge cluster into another") };
        made.actions.className = "cluster-actions";
        made.actions.append(button("rename", "✎", "Rename cluster"), made.merge,
          button("remove", "×", "Delete cluster"));
        el.querySelector(".head").append(made.actions);
        this.actions.set(el, made);
      }
      setHidden(made.actions, !may);
      setHidden(made.merge, alone);
    }
  }

  /** Move cluster `id` to (x, y) with its notes, as one command. */
  moveCluster(id, x, y) {
    const c = this.view.clusters[id];
    if (!c || (c.x === x && c.y === y)) return;
    const moves = Object.values(this.view.notes).filter((n) => n.cluster_id === id)
      .map((n) => ({ type: "note.move", note_id: n.id, x: n.x + x - c.x, y: n.y + y - c.y }));
    this.send([{ type: "cluster.move", cluster_id: id, x, y }, ...moves]);
  }

  deleteCluster(id) {
    const el = this.page.renderer.clusters.get(id);
    const next = el && neighbour(el);
    this.page.command({ type: "cluster.delete", cluster_id: id });
    (next ?? $("viewport")).focus();
  }

  /** An inline form in the cluster's head; `build(form)` fills it, `done(form)` saves. */
  inline(id, className, build, done) {
    const el = this.page.renderer.clusters.get(id);
    if (!el || el.querySelector("form") || this.page.readOnly) return;
    const form = document.createElement("form");
    form.className = className;
    build(form);
    let open = true;
    const finish = (save, refocus = true) => {
      if (!open) return; // removing the form moves focus out of it, which finishes it again
      open = false;
      if (save) done(form);
      form.remove();
      el.classList.remove("renaming");
      if (refocus) this.page.renderer.clusters.get(id)?.focus();
    };
    // Focus going elsewhere ends the form: a new name is kept, a merge not made.
    form.addEventListener("focusout", (ev) => {
      if (!form.contains(ev.relatedTarget)) finish(className === "rename-form", false);
    });
    form.addEventListener("submit", (ev) => { ev.preventDefault(); finish(true); });
    form.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") { ev.preventDefault(); ev.stopPropagation(); finish(false); }
      // Enter on a menu does not submit its form by itself.
      if (ev.key === "Enter" && ev.target.matches("select")) { ev.preventDefault(); finish(true); }
    });
    form.querySelector(".cancel")?.addEventListener("click", () => finish(false));
    el.querySelector(".head").append(form);
    form.elements[0].focus();
    return form;
  }

  startRename(id) {
    const cluster = this.view.clusters[id];
    if (!cluster) return;
    this.page.renderer.clusters.get(id)?.classList.add("renaming");
    this.inline(id, "rename-form", (form) => {
      const input = document.createElement("input");
      input.className = "rename-input";
      input.value = cluster.label;
      input.maxLength = 120;
      input.setAttribute("aria-label", "Cluster name (Enter saves, Escape cancels)");
      form.append(input);
    }, (form) => {
      const label = form.elements[0].value.trim();
      if (label && label !== this.view.clusters[id]?.label) {
        this.page.command({ type: "cluster.rename", cluster_id: id, label });
      }
    });
  }

  startMerge(id) {
    const others = Object.values(this.view.clusters).filter((c) => c.id !== id);
    if (!others.length) return;
    this.inline(id, "merge-form", (form) => {
      const menu = document.createElement("select");
      menu.setAttribute("aria-label", "Merge this cluster into");
      menu.replaceChildren(...others.map((c) => new Option(`Into “${c.label}”`, c.id)));
      const go = document.createElement("button");
      go.type = "submit";
      go.textContent = "Merge";
      const cancel = button("cancel", "Cancel", "Cancel merging");
      form.append(menu, go, cancel);
    }, (form) => {
      const into = form.elements[0].value;
      this.page.command({ type: "cluster.merge", cluster_id: id, into_cluster_id: into });
      queueMicrotask(() => this.page.renderer.clusters.get(into)?.focus());
    });
  }

  /** A key on the focused cluster `id`; true if it was handled. */
  keyDown(ev, id) {
    const nudge = this.page.nudge;
    const step = arrowStep(ev);
    if (step) {
      if (this.page.refused("cluster.move")) return false;
      nudge.by("cluster", this.view.clusters[id], ...step);
      this.page.render();
    } else if (nudge.holds("cluster", id) && (ev.key === "Enter" || ev.key === "Escape")) {
      if (ev.key === "Enter") nudge.settle();
      else { nudge.cancel(); this.page.render(); }
    } else if (ev.key === "Enter" || ev.key === "F2") {
      this.startRename(id);
    } else if (ev.key === "m" || ev.key === "M") {
      this.startMerge(id);
    } else if (ev.key === "Delete" || ev.key === "Backspace") {
      this.deleteCluster(id);
    } else {
      return false;
    }
    return true;
  }
}
