// Files a facilitator or an auditor takes away: fetched with the session's token (never put in
// a URL), then saved through a link to the fetched bytes.
import { el } from "./dom.js";

/** Fetch `path` as text with `api`'s token: {text, type}, or throws an Error with the
 * service's message. */
export async function fetchText(api, path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${api.token}` } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.error?.message ?? response.statusText);
  }
  return { text: await response.text(), type: response.headers.get("content-type") ?? "text/plain" };
}

/** Fetch `path` as text with `api`'s token and save it as `name` (a function of the text);
 * the text, or throws an Error with the service's message. */
export async function download(api, path, name) {
  const { text, type } = await fetchText(api, path);
  const link = el("a");
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = typeof name === "function" ? name(text) : name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  return { text, name: link.download };
}

/** The files facilitators and auditors take away (docs/api.md, "Exports"): `path` and file
 * name for a workshop, and what to say once downloaded. */
export function workshopFiles(workshopId, title) {
  const base = (title || "workshop").replace(/[^\p{L}\p{N}]+/gu, "-");
  const lines = (text) => text.split("\n").filter(Boolean).length;
  return {
    reportJson: {
      path: `/api/workshops/${encodeURIComponent(workshopId)}/report.json`,
      name: `${base}-report.json`,
      said: () => "",
    },
    log: {
      path: "/api/audit/log.jsonl",
      name: `plenary-log-${new Date().toISOString().slice(0, 10)}.jsonl`,
      said: (text) => `: ${lines(text).toLocaleString()} recorded events`,
    },
  };
}

/** Download `file` ({path, name, said}) with `api`'s token, saying how it went in `status`. */
export async function offer(api, file, status) {
  status.textContent = "Preparing the file…";
  try {
    const { text, name } = await download(api, file.path, file.name);
    status.textContent = `Downloaded ${name}${file.said(text)}.`;
  } catch (error) {
    status.textContent = `No file: ${error.message}`;
  }
}
