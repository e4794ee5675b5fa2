// Who is on the board page now, in its header: me (as the view names me) and each other person
// with the board open, once however many tabs they have, with the count.
import { selfId } from "./facilitation.js";

const $ = (id) => document.getElementById(id);

/** `me`: the page's person ({id, name, role, connection, pseudonym_name?}); `view` the shown
 * view; `members` the socket's members by connection. */
export function renderHere(me, view, members) {
  const people = new Map();
  const name = me.pseudonym_name || me.name || me.role;
  people.set(selfId(view, me), { name, role: me.role, you: true });
  for (const m of members.values()) {
    if (m.connection === me.connection) continue;
    if (!people.has(m.id)) people.set(m.id, { name: m.name || m.role, role: m.role, you: false });
  }
  const items = [...people.values()].map((p) => {
    const li = document.createElement("li");
    li.textContent = p.you ? `${p.name} (you)` : p.name;
    li.title = p.role;
    li.dataset.role = p.role;
    return li;
  });
  $("people").replaceChildren(...items);
  $("people-count").textContent = String(people.size);
}
