// What every page of the client shares around its content: the toast that says what went
// wrong, and the connection's status in the header.

const $ = (id) => document.getElementById(id);
const STATUS_TEXT = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", offline: "offline" };

let alertTimer = null;
/** A toast: fixed in a corner, it covers nothing you work on and goes away by itself. */
export function showAlert(message, code = "") {
  const box = $("alert");
  box.querySelector(".message").textContent = message;
  box.dataset.code = code;
  box.hidden = false;
  clearTimeout(alertTimer);
  alertTimer = setTimeout(() => { box.hidden = true; }, 8000);
}

export function setStatus(state) {
  const el = $("status");
  el.dataset.state = state;
  el.querySelector(".label").textContent = STATUS_TEXT[state] ?? state;
}
