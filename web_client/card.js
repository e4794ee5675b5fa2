// A structured note shown as a card: an initiative card's fields (city, title, problem, what
// was done, results, contact) under its title. The board's note renderer calls `renderCard`
// for every note; a plain note (no fields) gets nothing and loses a card it no longer has.

/** Show `note.fields` ([{key, label, text}]) inside the note element `el` as a list of
 * labelled values after its text; mark the note as a card. */
export function renderCard(el, note) {
  const fields = note.fields ?? [];
  let list = el.querySelector(":scope > dl.card-fields");
  el.classList.toggle("card", fields.length > 0);
  if (!fields.length) { list?.remove(); return; }
  const key = JSON.stringify(fields);
  if (list?.dataset.key === key) return;
  if (!list) {
    list = document.createElement("dl");
    list.className = "card-fields";
    el.querySelector(":scope > .text")?.after(list);
  }
  list.dataset.key = key;
  list.replaceChildren(...fields.flatMap((f) => {
    const term = document.createElement("dt");
    term.textContent = f.label;
    const value = document.createElement("dd");
    value.textContent = f.text;
    value.dataset.key = f.key;
    return [term, value];
  }));
}

/** How a card reads aloud: "Card: title. City: Lyon. Problem: …". */
export function cardLabel(note) {
  const fields = note.fields ?? [];
  const prefix = note.hidden ? "Private card" : "Card";
  return `${prefix}: ${note.text}. ${fields.map((f) => `${f.label}: ${f.text}`).join(". ")}`;
}
