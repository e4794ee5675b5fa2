// Prework on the workshop page (docs/api.md, "Prework"): the form a participant answers from
// their invite link before the day (read-only after its due date), and for facilitators the
// form's editor, everyone's answers, a CSV import with a preview, and "Put prework on the
// boards". The workshop page calls `start()` once; everything here lives in one section.
import { el } from "./dom.js";
import { uuidv7 } from "./ids.js";

const PRESETS = {
  survey: { label: "Challenges survey", kind: "survey",
    text: "Your city\n"
      + "What is the biggest challenge your city faces? — One challenge, in a sentence or two\n"
      + "What else holds your city back? — Another challenge, if there is one" },
  card: { label: "Initiative card", kind: "card",
    text: "City\nTitle — The initiative's name\nProblem — What problem did it address?\n"
      + "What was done\nResults\nContact — Who to ask about it" },
};

const slug = (label, taken) => {
  const base = label.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "").slice(0, 40) || "q";
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
};

/** "Label — hint" lines → [{id, label, hint}]. */
export function parseQuestions(text) {
  const taken = new Set();
  return text.split("\n").map((l) => l.trim()).filter(Boolean).map((line) => {
    const [label, ...hint] = line.split(" — ");
    return { id: slug(label, taken), label: label.trim(), hint: hint.join(" — ").trim() };
  });
}

const unparse = (questions) => questions
  .map((q) => (q.hint ? `${q.label} — ${q.hint}` : q.label)).join("\n");

/** The file's bytes as base64 (the import endpoints read the bytes: encoding errors show). */
async function base64Of(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function field(labelText, control, hint) {
  const wrap = el("div", "field");
  const label = el("label", null, labelText);
  control.id ||= `pw-${uuidv7()}`;
  label.htmlFor = control.id;
  wrap.append(label);
  if (hint) {
    const help = el("p", "hint", hint);
    help.id = `${control.id}-hint`;
    control.setAttribute("aria-describedby", help.id);
    wrap.append(help);
  }
  wrap.append(control);
  return wrap;
}

function button(text, onClick, type = "button") {
  const b = el("button", null, text);
  b.type = type;
  if (onClick) b.addEventListener("click", onClick);
  return b;
}

export class PreworkPanel {
  constructor(page) {
    this.page = page;
    this.api = page.api;
    this.base = `/api/workshops/${encodeURIComponent(page.id)}/prework`;
    this.data = null;
    this.preview = null;
  }

  async start() {
    this.section = el("section", "block prework");
    this.section.id = "prework";
    this.section.setAttribute("aria-labelledby", "prework-heading");
    const heading = el("h2", null, "Prework");
    heading.id = "prework-heading";
    this.status = el("p", "hint");
    this.status.id = "prework-status";
    this.status.setAttribute("role", "status");
    this.body = el("div", "prework-body");
    this.section.append(heading, this.status, this.body);
    document.querySelector("#overview .primary")?.prepend(this.section);
    await this.load();
  }

  get facilitator() { return this.page.me.role === "facilitator"; }
  get answers() { return ["facilitator", "participant"].includes(this.page.me.role); }

  say(message) { this.status.textContent = message; }

  /** Run `work`; say `done` (or what `work` returns) or why it failed; then reload. */
  async act(work, done) {
    try { this.say((await work()) ?? done); } catch (error) { this.say(`Not done: ${error.message}`); }
    await this.load(false);
  }

  async load(clear = true) {
    try { this.data = await this.api.call("GET", this.base); } catch (error) {
      this.say(`Prework cannot be shown: ${error.message}`);
      return;
    }
    if (clear) this.say("");
    this.render();
  }

  render() {
    const { form } = this.data;
    const parts = [];
    if (!form) {
      parts.push(el("p", "hint", this.facilitator
        ? "No prework yet. Set a form for people to answer before the workshop."
        : "There is no prework for this workshop."));
    } else if (this.answers) {
      parts.push(this.answerForm(form));
    } else {
      parts.push(el("p", "hint", `Participants answer ${form.questions.length} questions by ${form.due}.`));
    }
    if (this.facilitator) parts.push(this.editor(form), this.everyone(), this.importer(), this.placer());
    this.body.replaceChildren(...parts);
  }

  answerForm(form) {
    const mine = new Map((this.data.mine?.answers ?? []).map((a) => [a.question_id, a.text]));
    const placed = Boolean(this.data.mine?.board_id);
    const closed = !this.data.open || placed;
    const f = el("form", "stack prework-answer");
    f.setAttribute("aria-labelledby", "prework-answer-heading");
    const h = el("h3", null, form.kind === "card" ? "Your initiative card" : "Your answers");
    h.id = "prework-answer-heading";
    f.append(h, el("p", closed ? "notice" : "hint", placed
      ? "Your answers are on the board now; change the notes there."
      : closed ? `The due date (${form.due}) has passed: your answers are read-only.`
        : `Due ${form.due}. You can change your answers until then.`));
    const boxes = form.questions.map((q) => {
      const box = el("textarea");
      box.name = q.id;
      box.maxLength = 500;
      box.rows = 2;
      box.value = mine.get(q.id) ?? "";
      box.readOnly = closed;
      f.append(field(q.label, box, q.hint));
      return box;
    });
    if (!closed) {
      f.append(button(mine.size ? "Save my answers" : "Send my answers", null, "submit"));
      f.addEventListener("submit", (ev) => {
        ev.preventDefault();
        const answers = boxes.map((b) => ({ question_id: b.name, text: b.value.trim() }));
        this.act(async () => { await this.api.call("POST", `${this.base}/answers`, { answers }); },
          "Your answers are saved.");
      });
    }
    return f;
  }

  editor(form) {
    const f = el("form", "stack prework-editor");
    const h = el("h3", null, form ? "Edit the form" : "Set the form");
    const kind = el("select");
    kind.append(new Option("Survey: each answer is a note", "survey"),
      new Option("Card: the answers form one initiative card", "card"));
    kind.value = form?.kind ?? "survey";
    const due = el("input");
    due.type = "date";
    due.required = true;
    due.value = form?.due ?? "";
    const questions = el("textarea");
    questions.rows = 6;
    questions.value = form ? unparse(form.questions) : "";
    const presets = el("p", "presets");
    for (const preset of Object.values(PRESETS)) {
      presets.append(button(`Use: ${preset.label}`, () => {
        questions.value = preset.text;
        kind.value = preset.kind;
      }), " ");
    }
    f.append(h, presets, field("Kind", kind), field("Due date (last day to answer)", due),
      field("Questions", questions, "One question per line; a hint after “ — ”."),
      button("Save the form", null, "submit"));
    f.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const body = { kind: kind.value, due: due.value, questions: parseQuestions(questions.value) };
      this.act(async () => { await this.api.call("POST", this.base, body); }, "The form is saved.");
    });
    return f;
  }

  everyone() {
    const wrap = el("div", "prework-answers");
    const h = el("h3", null, `Answers (${this.data.answers.length})`);
    h.id = "prework-answers-heading";
    wrap.append(h);
    if (!this.data.answers.length) { wrap.append(el("p", "hint", "Nobody has answered yet.")); return wrap; }
    const list = el("ul", "prework-people");
    list.setAttribute("aria-labelledby", h.id);
    for (const person of this.data.answers) {
      const given = person.answers.filter((a) => a.text).length;
      const who = person.name || this.page.who(person.author, "participant");
      list.append(el("li", null, `${who}: ${given} answer${given === 1 ? "" : "s"}`
        + (person.board_id ? " · on the board" : "")));
    }
    wrap.append(list);
    return wrap;
  }

  importer() {
    const f = el("form", "stack prework-import");
    const file = el("input");
    file.type = "file";
    file.accept = ".csv,text/csv";
    f.append(el("h3", null, "Import answers from CSV"),
      field("CSV file", file, "A column “name” (or “id”) for the person, one column per question (its label)."),
      button("Preview", null, "submit"));
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!file.files.length) { this.say("Choose a CSV file first."); return; }
      try {
        const csv = await base64Of(file.files[0]);
        this.preview = { csv, result: await this.api.call("POST", `${this.base}/import/preview`, { csv }) };
        this.say(`Preview of ${this.preview.result.rows.length} rows.`);
      } catch (error) {
        this.preview = null;
        this.say(`This file cannot be imported: ${error.message}`);
      }
      this.render();
    });
    if (this.preview) f.append(this.previewTable());
    return f;
  }

  previewTable() {
    const { rows } = this.preview.result;
    const wrap = el("div", "prework-preview");
    const table = el("table", "preview");
    const caption = el("caption", null, "CSV preview");
    const head = el("tr");
    for (const t of ["Line", "Person", "Status", "Answers"]) head.append(el("th", null, t));
    table.append(caption, el("thead"), el("tbody"));
    table.tHead.append(head);
    for (const row of rows) {
      const tr = el("tr", row.error ? "bad" : "good");
      tr.dataset.line = row.line;
      tr.append(el("td", null, row.line), el("td", null, row.name || row.person),
        el("td", "row-status", row.error ? `Error: ${row.error.message}` : "Ready"),
        el("td", null, row.answers.filter((a) => a.text).map((a) => a.text).join(" · ")));
      table.tBodies[0].append(tr);
    }
    const good = rows.filter((r) => !r.error).map((r) => r.line);
    wrap.append(table);
    if (good.length) {
      wrap.append(button(`Import ${good.length} good row${good.length === 1 ? "" : "s"}`, () => {
        const body = { csv: this.preview.csv, lines: good };
        this.preview = null;
        this.act(async () => { await this.api.call("POST", `${this.base}/import`, body); },
          `${good.length} row${good.length === 1 ? "" : "s"} imported.`);
      }));
    }
    return wrap;
  }

  placer() {
    const wrap = el("div", "prework-place");
    wrap.append(el("h3", null, "On the day"), el("p", "hint",
      "Puts each person's answers on their group's board (or the plenary) as their private notes, ready for the reveal."),
    button("Put prework on the boards", () => this.act(async () => {
      const done = await this.api.call("POST", `${this.base}/place`, {});
      const n = done.placed.length;
      return n ? `The answers of ${n} ${n === 1 ? "person are" : "people are"} on the boards as private notes.`
        : "Nothing new to put on the boards.";
    })));
    return wrap;
  }
}
