// The audit desk, /w/{id}?audit=1 (auditors and facilitators): what the whole log proves
// (GET /api/audit/verify), and the signed checkpoints as a file to keep
// (GET /api/audit/checkpoints), for `plenary verify --checkpoint FILE` later; the report as
// JSON and, for auditors, the whole log (GET /api/audit/log.jsonl) to take away.
import { el, timeEl } from "./dom.js";
import { download, offer, workshopFiles } from "./downloads.js";

const $ = (id) => document.getElementById(id);

export const DESK_ROLES = ["auditor", "facilitator"];
/** Who downloads the raw log (domain/roles.py LOG_READERS). */
export const LOG_ROLES = ["auditor"];

export class AuditView {
  constructor(page) { this.page = page; }

  wire() {
    $("audit-again").addEventListener("click", () => this.load(false));
    $("audit-download").addEventListener("click", () => this.download());
    const files = () => workshopFiles(this.page.id, this.page.data.workshop?.title);
    const status = $("audit-files-status");
    $("audit-report-json").addEventListener("click",
      () => offer(this.page.api, files().reportJson, status));
    $("audit-log").hidden = !LOG_ROLES.includes(this.page.me.role);
    $("audit-log").addEventListener("click", () => offer(this.page.api, files().log, status));
  }

  async load(moveFocus) {
    this.page.setTitle("Audit desk");
    $("audit-status").textContent = "Verifying the whole log…";
    if (moveFocus) $("audit-title").focus();
    try {
      this.render(await this.page.api.call("GET", "/api/audit/verify"));
      $("audit-status").textContent = "";
    } catch (error) {
      $("audit-status").textContent = `The log cannot be verified from here: ${error.message}`;
    }
  }

  render(state) {
    $("audit-body").hidden = false;
    const verdict = $("audit-verdict");
    verdict.className = `audit-verdict ${state.ok ? "ok" : "broken"}`;
    verdict.textContent = state.ok
      ? `Intact: positions 1 to ${state.head.toLocaleString()} hold.`
      : `Broken${state.first_bad_position ? ` at position ${state.first_bad_position}` : ""}: ${state.reason ?? state.problems.join("; ")}`;
    const latest = state.latest_checkpoint;
    const facts = [
      ["Head", `position ${state.head.toLocaleString()}`],
      ["Head hash", el("code", "hash", state.head_hash)],
      ["Chain and commands records", `hold for positions 1 to ${state.verified_up_to.toLocaleString()}`],
      ["Signed checkpoints", `${state.checkpoints_matched} of ${state.checkpoints_signed} match`],
      ["Latest signed", latest ? [`position ${latest.position.toLocaleString()}, `, timeEl(latest.signed_at, "seconds")] : "none yet"],
      ["After it", `${state.unsealed.toLocaleString()} positions proved by the chain alone`],
      ["Key fingerprint", state.key_fingerprint ? el("code", "hash", state.key_fingerprint) : "no key yet"],
      ["Checked", timeEl(new Date(state.checked_at * 1000).toISOString(), "seconds")],
    ];
    $("audit-facts").replaceChildren(...facts.flatMap(([term, value]) => {
      const dd = el("dd");
      dd.append(...(Array.isArray(value) ? value : [value]));
      return [el("dt", "", term), dd];
    }));
    $("audit-statement").replaceChildren(...state.statement.map((line) => el("li", "", line)));
  }

  async download() {
    const status = $("audit-download-status");
    status.textContent = "Preparing the file…";
    try {
      const { text, name } = await download(this.page.api, "/api/audit/checkpoints",
        (body) => `plenary-checkpoints-${/^# epoch (\S+)/m.exec(body)?.[1] ?? "log"}.txt`);
      const lines = text.split("\n").filter((l) => l.startsWith("plenary-checkpoint/1 ")).length;
      status.textContent = `Downloaded ${name}: ${lines} signed checkpoint${lines === 1 ? "" : "s"}.`;
    } catch (error) {
      status.textContent = `No file: ${error.message}`;
    }
  }
}
