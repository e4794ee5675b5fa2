// The facilitator's set-up on the workshop page (docs/templates.md): edit the agenda before or
// during the workshop (`agenda.set`), and save the workshop as a template of its programme
// (`template.save`). Shown to a facilitator of the whole workshop only; everything is a form
// with labelled fields, so it works by keyboard as by mouse.
import { box, el, say } from "./dom.js";

const $ = (id) => document.getElementById(id);

function field(id, label, input) {
  input.id = id;
  const lab = el("label", "", label);
  lab.htmlFor = id;
  return [lab, input];
}

function button(text, type = "button", className = "") {
  const node = el("button", className, text);
  node.type = type;
  return node;
}

export class SetupPanel {
  constructor(page) {
    this.page = page;
    this.section = null;
    this.editing = false;
  }

  /** Draw the panel once, after the agenda section, if the page's person may use it. */
  mount() {
    const me = this.page.me;
    if (this.section || me.role !== "facilitator" || me.board) return;
    const edit = button("Edit agenda");
    edit.id = "agenda-edit";
    edit.addEventListener("click", () => this.openEditor());
    const rows = el("ol", "agenda-rows");
    rows.id = "agenda-rows";
    const add = button("Add block");
    add.addEventListener("click", () => this.addRow({ title: "", minutes: 10 }, true));
    const cancel = button("Cancel");
    cancel.addEventListener("click", () => this.closeEditor());
    const error = el("p", "form-error");
    error.id = "agenda-error";
    error.setAttribute("role", "alert");
    error.hidden = true;
    const form = box("form", "stack agenda-form", rows, add, error,
      box("div", "form-actions", button("Save agenda", "submit"), cancel));
    form.id = "agenda-form";
    form.hidden = true;
    form.setAttribute("aria-label", "Agenda");
    form.addEventListener("submit", (ev) => this.saveAgenda(ev));
    form.addEventListener("keydown", (ev) => { // Escape leaves the editor, as Cancel does
      if (ev.key === "Escape") { ev.preventDefault(); this.closeEditor(); }
    });
    const name = el("input");
    name.maxLength = 80;
    name.required = true;
    const saved = el("p", "form-ok");
    saved.id = "template-saved";
    saved.setAttribute("role", "status");
    const saveForm = box("form", "stack", ...field("template-name", "Template name", name),
      button("Save as template", "submit"), saved);
    saveForm.id = "save-template";
    saveForm.setAttribute("aria-label", "Save as template");
    saveForm.addEventListener("submit", (ev) => this.saveTemplate(ev));
    const heading = el("h2", "", "Set up");
    heading.id = "setup-heading";
    this.section = box("section", "block setup", heading,
      el("p", "hint", "Change the agenda at any time; save this workshop's agenda, boards "
        + "and their prompts as a template for the programme's next workshops."),
      edit, form, saveForm);
    this.section.setAttribute("aria-labelledby", "setup-heading");
    $("agenda-heading").closest("section").after(this.section);
  }

  openEditor() {
    this.editing = true;
    $("agenda-rows").replaceChildren();
    for (const item of this.page.data.overview?.agenda ?? []) this.addRow(item, false);
    $("agenda-form").hidden = false;
    $("agenda-edit").hidden = true;
    say($("agenda-error"), null);
    ($("agenda-rows").querySelector("input") ?? $("agenda-form").querySelector("button")).focus();
  }

  closeEditor() {
    this.editing = false;
    $("agenda-form").hidden = true;
    $("agenda-edit").hidden = false;
    $("agenda-edit").focus();
  }

  addRow(item, focus) {
    const rows = $("agenda-rows");
    const n = rows.children.length + 1;
    const title = el("input", "agenda-title-input");
    title.value = item.title;
    title.maxLength = 200;
    title.required = true;
    const minutes = el("input", "agenda-minutes-input");
    minutes.type = "number";
    minutes.min = "0";
    minutes.max = "1440";
    minutes.value = String(item.minutes);
    const remove = button("Remove", "button", "link-button");
    remove.addEventListener("click", () => { row.remove(); this.renumber(); });
    const row = box("li", "agenda-row",
      ...field(`agenda-title-${n}`, `Block ${n}`, title),
      ...field(`agenda-minutes-${n}`, `Block ${n} minutes`, minutes), remove);
    rows.append(row);
    this.renumber();
    if (focus) title.focus();
  }

  /** Labels and ids follow the rows' order after one is removed. */
  renumber() {
    [...$("agenda-rows").children].forEach((row, i) => {
      const [titleLabel, title, minutesLabel, minutes, remove] = row.children;
      title.id = `agenda-title-${i + 1}`;
      titleLabel.htmlFor = title.id;
      titleLabel.textContent = `Block ${i + 1}`;
      minutes.id = `agenda-minutes-${i + 1}`;
      minutesLabel.htmlFor = minutes.id;
      minutesLabel.textContent = `Block ${i + 1} minutes`;
      remove.setAttribute("aria-label", `Remove block ${i + 1}`);
    });
  }

  async saveAgenda(ev) {
    ev.preventDefault();
    const agenda = [...$("agenda-rows").children].map((row) => ({
      title: row.querySelector(".agenda-title-input").value.trim(),
      minutes: Number(row.querySelector(".agenda-minutes-input").value),
    }));
    try {
      await this.page.api.setAgenda(this.page.id, agenda);
      this.closeEditor();
      await this.page.refresh();
    } catch (error) {
      say($("agenda-error"), error.message);
    }
  }

  async saveTemplate(ev) {
    ev.preventDefault();
    const name = $("template-name").value.trim();
    if (!name) return;
    try {
      const saved = await this.page.api.saveTemplate(this.page.id, name);
      say($("template-saved"), `Saved as the template “${saved.name}”: it is offered when `
        + "you create a workshop from your home page.");
      $("template-name").value = "";
    } catch (error) {
      say($("template-saved"), `Not saved: ${error.message}`);
    }
  }
}
