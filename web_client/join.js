// Joining from an invite link: whoever opens one is asked their name (and organisation), then
// joins the workshop as themselves (POST /api/workshops/{id}/join with the invite) and goes
// on with their own personal link, so several people can share one invite and still appear
// as themselves in the workshop's list of people. Only on the workshop page (/w/…), where a
// workshop invite leads: a board link opened with an invite still acts as the invite's own
// person on that board, as it always has (docs/api.md, "Who gets in").
import { box, el, say } from "./dom.js";

const INVITE_KEY = "plenary-invite";

/** Whether the session `me` (opened with `credential`) is someone who has not joined yet:
 * true once the join form is shown (the page then waits for it). */
export async function joinIfInvited(api, me, credential) {
  if (me.kind !== "session" || !me.workshop_id || !location.pathname.startsWith("/w/")) return false;
  const workshop = await api.workshop(me.workshop_id).catch(() => null);
  if (!workshop || workshop.participants.some((p) => p.id === me.id)) return false;
  // The credential is the invite when it came from the link; after a reload of this tab it is
  // the session made from it, which cannot join: the invite is kept for that.
  const kept = sessionStorage.getItem(INVITE_KEY);
  if (!kept) sessionStorage.setItem(INVITE_KEY, credential);
  showForm(workshop, me, [credential, kept].filter(Boolean));
  return true;
}

const AS = { facilitator: "a co-facilitator", participant: "a participant", observer: "an observer",
  auditor: "an auditor" };

function showForm(workshop, me, invites) {
  document.getElementById("status").hidden = true;
  document.getElementById("title").hidden = true;
  document.getElementById("board")?.remove();
  const name = input("join-name", 80, true);
  const organisation = input("join-organisation", 120, false);
  const error = el("p", "form-error");
  error.setAttribute("role", "alert");
  error.hidden = true;
  const submit = el("button", "", "Join the workshop");
  submit.type = "submit";
  const form = box("form", "stack block join",
    el("h1", "", `Join “${workshop.title}”`),
    el("p", "hint", `You are invited as ${AS[me.role] ?? me.role}.`),
    label("join-name", "Your name"), name, label("join-organisation", "Organisation (optional)"),
    organisation, error, submit);
  form.id = "join";
  form.autocomplete = "off";
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    say(error, null);
    try {
      const joined = await joinWith(invites, me.workshop_id, name.value.trim(),
        organisation.value.trim());
      sessionStorage.removeItem(INVITE_KEY);
      sessionStorage.setItem("plenary-token", joined.token);
      // Their own link from now on; the same page but for its fragment, so load it anew.
      location.replace(joined.url);
      location.reload();
    } catch (failure) {
      say(error, failure.message);
      submit.disabled = false;
    }
  });
  document.getElementById("main").prepend(form);
  name.focus();
}

/** Join with the first of `invites` that is one (a session answers `not_an_invite`). */
async function joinWith(invites, workshopId, name, organisation) {
  let refusal = null;
  for (const invite of invites) {
    const response = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}/join`, {
      method: "POST",
      headers: { Authorization: `Bearer ${invite}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name, organisation }),
    });
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data;
    refusal = data.error ?? { message: response.statusText };
    if (refusal.code !== "not_an_invite") break;
  }
  throw new Error(refusal?.message ?? "Open your invite link again to join.");
}

function input(id, max, required) {
  const node = el("input");
  node.id = id;
  node.maxLength = max;
  node.required = required;
  return node;
}

function label(forId, text) {
  const node = el("label", "", text);
  node.htmlFor = forId;
  return node;
}
