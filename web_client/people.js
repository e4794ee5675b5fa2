// People on the facilitator's workshop page: invite links (copy, QR code, expiry, revoke), the
// open invites, who joined and which board each has open now (polled every few seconds), and
// breakout groups filled by dragging a person onto a group or by choosing it in their row.
import { box, el, ROLE_LABELS, say, timeEl } from "./dom.js";

const $ = (id) => document.getElementById(id);
const PRESENCE_MS = 3000;
const SCOPE_WHOLE = "";

export class PeopleConsole {
  constructor(page) {
    this.page = page;
    this.api = page.api;
    this.presence = new Map(); // person id → [board ids they have open]
    this.invite = null; // the invite just made: {invite_id, url, qr_svg, expires_at}
    this.keys = {};
  }

  get path() { return `/api/workshops/${encodeURIComponent(this.page.id)}`; }

  start() {
    for (const id of ["invites", "groups"]) $(id).hidden = false;
    $("invite-form").addEventListener("submit", (ev) => { ev.preventDefault(); this.create(); });
    $("invite-copy").addEventListener("click", () => this.copy());
    $("invite-revoke").addEventListener("click", () => this.revoke(this.invite?.invite_id));
    $("invite-list").addEventListener("click", (ev) => {
      const button = ev.target.closest("button[data-revoke]");
      if (button) this.revoke(button.dataset.revoke);
    });
    $("people-table").addEventListener("change", (ev) => {
      const select = ev.target.closest("select[data-person]");
      if (select) this.assign(select.dataset.person, select.value || null);
    });
    this.wireDrag();
    const due = () => document.visibilityState === "visible" && !this.page.stopped;
    setInterval(() => { if (due()) this.poll(); }, PRESENCE_MS);
    this.poll();
  }

  /** Presence and the invites: what changes without the workshop's stream telling us. */
  async poll() {
    const [presence, invites] = await Promise.allSettled([
      this.api.call("GET", `${this.path}/presence`), this.api.call("GET", `${this.path}/invites`),
    ]);
    if (presence.status === "fulfilled") {
      this.presence = new Map();
      for (const board of presence.value.boards) {
        for (const p of board.people) {
          this.presence.set(p.id, [...(this.presence.get(p.id) ?? []), board.board_id]);
        }
      }
      $("presence-updated").replaceChildren("Who is here: ", timeEl(new Date().toISOString(), "seconds"));
    }
    if (invites.status === "fulfilled") this.renderInvites(invites.value.invites);
    this.render();
  }

  // ------------------------------------------------------------ invites

  async create() {
    const hours = $("invite-hours").value;
    const body = { role: $("invite-role").value, name: $("invite-name").value.trim() };
    if ($("invite-scope").value !== SCOPE_WHOLE) body.board_id = $("invite-scope").value;
    if (hours) body.expires_in_hours = Number(hours);
    say($("invite-error"), null);
    try {
      this.invite = await this.api.call("POST", `${this.path}/invites`, body);
    } catch (error) {
      say($("invite-error"), error.message);
      return;
    }
    const made = this.invite;
    $("invite-made").hidden = false;
    $("invite-link").value = made.url;
    $("invite-copied").textContent = "";
    const qr = $("invite-qr");
    qr.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(made.qr_svg)}`;
    qr.alt = "QR code of the invite link";
    $("invite-expiry").replaceChildren("Expires ", timeEl(new Date(made.expires_at * 1000).toISOString()));
    $("invite-revoke").disabled = false;
    $("invite-link").focus();
    $("invite-link").select();
    this.poll();
  }

  /** The clipboard where the browser allows it; else the link is selected to copy by hand. */
  async copy() {
    const input = $("invite-link");
    try {
      await navigator.clipboard.writeText(input.value);
      $("invite-copied").textContent = "Copied";
    } catch {
      input.focus();
      input.select();
      $("invite-copied").textContent = "Selected: press Ctrl+C (⌘C) to copy";
    }
  }

  async revoke(inviteId) {
    if (!inviteId) return;
    try {
      await this.api.call("POST", `${this.path}/invites/${encodeURIComponent(inviteId)}/revoke`, {});
    } catch (error) {
      say($("invite-error"), error.message);
      return;
    }
    if (this.invite?.invite_id === inviteId) {
      // A disabled button loses the focus: hand it to the form, ready for the next invite.
      const had = document.activeElement === $("invite-revoke");
      $("invite-revoke").disabled = true;
      if (had) $("invite-name").focus();
      $("invite-copied").textContent = "Revoked: this link no longer opens the workshop";
    }
    this.poll();
  }

  renderInvites(invites) {
    const open = invites.filter((i) => !i.revoked && !i.expired);
    const boards = new Map((this.page.data.workshop?.boards ?? []).map((b) => [b.id, b.title]));
    const rows = open.map((i) => {
      const tr = el("tr");
      tr.dataset.invite = i.id;
      const revoke = el("button", "", "Revoke");
      revoke.type = "button";
      revoke.dataset.revoke = i.id;
      revoke.setAttribute("aria-label", `Revoke the ${i.role} invite${i.name ? ` for ${i.name}` : ""}`);
      tr.append(el("td", "", i.name || "Anyone"), el("td", "", inviteRole(i.role)),
        el("td", "", i.board_id ? boards.get(i.board_id) ?? "One board" : "Whole workshop"),
        box("td", "", timeEl(new Date(i.expires_at * 1000).toISOString())),
        el("td", "", i.joined ? `${i.joined} joined` : "Not used yet"), box("td", "", revoke));
      return tr;
    });
    if (!rows.length) rows.push(box("tr", "", cell("No open invite.", 6)));
    // Drawn again only when it changed (a poll every few seconds would take the focus from a
    // Revoke button); a revoked row hands its focus to the row now in its place.
    const key = JSON.stringify([open, [...boards]]);
    if (this.keys.invites === key) return;
    this.keys.invites = key;
    const body = $("invite-list").tBodies[0];
    const focused = [...body.rows].findIndex((row) => row.contains(document.activeElement));
    const id = body.rows[focused]?.dataset.invite;
    body.replaceChildren(...rows);
    if (focused < 0) return;
    const buttons = [...body.querySelectorAll("button[data-revoke]")];
    const next = buttons.find((b) => b.dataset.revoke === id) ?? buttons[Math.min(focused, buttons.length - 1)];
    (next ?? $("invite-name")).focus();
  }

  // ------------------------------------------------------------ who is here, groups

  /** Draw from the workshop the page holds; only when it or presence changed. */
  render() {
    const workshop = this.page.data.workshop;
    if (!workshop) return;
    const key = JSON.stringify([workshop.participants, workshop.groups, workshop.boards, [...this.presence]]);
    if (this.keys.people === key) return;
    this.keys.people = key;
    this.renderScopes(workshop);
    this.renderColumns(workshop);
    this.renderTable(workshop);
  }

  renderScopes(workshop) {
    const scope = $("invite-scope");
    const chosen = scope.value;
    scope.replaceChildren(new Option("The whole workshop", SCOPE_WHOLE),
      ...workshop.boards.map((b) => new Option(`Only the board “${b.title}”`, b.id)));
    scope.value = [...scope.options].some((o) => o.value === chosen) ? chosen : SCOPE_WHOLE;
  }

  people(workshop) {
    return workshop.participants.filter((p) => !p.erased);
  }

  renderColumns(workshop) {
    const columns = [{ id: "", name: "Not in a group" }, ...workshop.groups];
    const participants = this.people(workshop).filter((p) => p.role === "participant");
    $("group-columns").replaceChildren(...columns.map((g) => {
      const members = participants.filter((p) => (p.group ?? "") === g.id);
      const list = el("ul", "group-drop");
      list.dataset.group = g.id;
      list.setAttribute("aria-label", `${g.name}: ${members.length} people`);
      for (const p of members) {
        const chip = el("li", "person-chip", p.name);
        chip.draggable = true;
        chip.dataset.person = p.id;
        chip.title = "Drag onto another group";
        list.append(chip);
      }
      const column = box("section", "group-column", el("h3", "", g.name), list);
      column.dataset.group = g.id;
      return column;
    }));
  }

  renderTable(workshop) {
    const boards = new Map(workshop.boards.map((b) => [b.id, b.title]));
    const rows = this.people(workshop).map((p) => {
      const tr = el("tr");
      tr.dataset.person = p.id;
      const here = (this.presence.get(p.id) ?? []).map((b) => boards.get(b) ?? b);
      const name = p.id === this.page.me.sub ? `${p.name} (you)` : p.name;
      tr.append(el("th", "", name), el("td", "", p.organisation || "—"),
        el("td", "", ROLE_LABELS[p.role]?.[0] ?? p.role), box("td", "", this.groupSelect(workshop, p)),
        el("td", here.length ? "here" : "muted", here.length ? here.join(", ") : "Not on a board"));
      tr.lastChild.dataset.here = here.length ? "true" : "false";
      tr.firstChild.scope = "row";
      return tr;
    });
    if (!rows.length) rows.push(box("tr", "", cell("Nobody has joined yet.", 5)));
    const table = $("people-table");
    const focused = table.contains(document.activeElement) ? document.activeElement.dataset.person : null;
    table.tBodies[0].replaceChildren(...rows);
    // A keyboard user choosing groups with the arrow keys keeps their place while it redraws.
    if (focused) table.querySelector(`select[data-person="${CSS.escape(focused)}"]`)?.focus();
  }

  groupSelect(workshop, person) {
    if (person.role !== "participant") return el("span", "muted", "—");
    const select = el("select");
    select.dataset.person = person.id;
    select.setAttribute("aria-label", `Group of ${person.name}`);
    select.append(new Option("Not in a group", ""), ...workshop.groups.map((g) => new Option(g.name, g.id)));
    select.value = person.group ?? "";
    return select;
  }

  // ------------------------------------------------------------ assigning

  wireDrag() {
    const columns = $("group-columns");
    columns.addEventListener("dragstart", (ev) => {
      const chip = ev.target.closest?.(".person-chip");
      if (!chip) return;
      ev.dataTransfer.setData("text/plain", chip.dataset.person);
      ev.dataTransfer.effectAllowed = "move";
      chip.classList.add("dragging");
    });
    columns.addEventListener("dragend", (ev) => ev.target.classList?.remove("dragging"));
    columns.addEventListener("dragover", (ev) => {
      const column = ev.target.closest?.(".group-column");
      if (!column) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = "move";
      for (const c of columns.querySelectorAll(".drop-target")) c.classList.toggle("drop-target", c === column);
      column.classList.add("drop-target");
    });
    columns.addEventListener("dragleave", (ev) => {
      if (!columns.contains(ev.relatedTarget)) {
        for (const c of columns.querySelectorAll(".drop-target")) c.classList.remove("drop-target");
      }
    });
    columns.addEventListener("drop", (ev) => {
      const column = ev.target.closest?.(".group-column");
      if (!column) return;
      ev.preventDefault();
      column.classList.remove("drop-target");
      const person = ev.dataTransfer.getData("text/plain");
      if (person) this.assign(person, column.dataset.group || null);
    });
  }

  async assign(actorId, groupId) {
    const workshop = this.page.data.workshop;
    const person = workshop?.participants.find((p) => p.id === actorId);
    if (!person || (person.group ?? null) === groupId) return;
    const group = workshop.groups.find((g) => g.id === groupId);
    try {
      await this.api.call("POST", `${this.path}/assignments`, { actor_id: actorId, group_id: groupId });
    } catch (error) {
      $("assign-status").textContent = `${person.name} was not moved: ${error.message}`;
      this.page.pageAlert(`${person.name} was not moved: ${error.message}`);
      this.keys.people = null;
      this.render(); // the select goes back to where they are
      return;
    }
    $("assign-status").textContent = group ? `${person.name} is now in ${group.name}.`
      : `${person.name} is no longer in a group.`;
    this.page.pageAlert(null);
    await this.page.refresh();
  }
}

function inviteRole(role) {
  return role === "facilitator" ? "Co-facilitator" : ROLE_LABELS[role]?.[0] ?? role;
}

function cell(text, span) {
  const td = el("td", "empty", text);
  td.colSpan = span;
  return td;
}
