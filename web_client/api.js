import { uuidv7 } from "./ids.js";

// A thin client of Plenary's HTTP API. Every call carries the bearer token.
export class Api {
  constructor(token) { this.token = token; }

  async call(method, path, body) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      const error = new Error("The server cannot be reached; check your connection and try again.");
      error.code = "network";
      throw error;
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.error?.message ?? response.statusText);
      error.code = data.error?.code ?? "http_" + response.status;
      throw error;
    }
    return data;
  }

  /** Exchange this credential (a link, a sign-in link, an invite or a session about to end)
   * for a fresh working session: {token, expires_at, kind, id, name, role, workshop_id, board_id}. */
  session() { return this.call("POST", "/api/auth/session", {}); }
  /** A ticket that opens one board's socket once, within seconds. */
  ticket(boardId) { return this.call("POST", `/api/boards/${enc(boardId)}/ticket`, {}); }
  programmes() { return this.call("GET", "/api/programmes"); }
  createProgramme(body) { return this.call("POST", "/api/programmes", body); }
  createWorkshop(body) { return this.call("POST", "/api/workshops", body); }
  /** An organiser's facilitator session for a workshop they facilitate. */
  enter(workshopId) { return this.call("POST", `/api/workshops/${enc(workshopId)}/enter`, {}); }

  workshop(id) { return this.call("GET", `/api/workshops/${enc(id)}`); }
  board(id) { return this.call("GET", `/api/boards/${enc(id)}`); }
  /** The board's events after version `after` as this person may see them ({events}). */
  events(id, after, limit = 1000) {
    return this.call("GET", `/api/boards/${enc(id)}/events?after=${after}&limit=${limit}`);
  }
  command(boardId, command) {
    return this.call("POST", `/api/boards/${boardId}/commands`,
      { command_id: uuidv7(), command });
  }

  // Reads across boards (docs/api.md, "Workshop reads"). Ids may hold ':' and '.', so encode.
  overview(id) { return this.call("GET", `/api/workshops/${enc(id)}/overview`); }
  decisions(id) { return this.call("GET", `/api/workshops/${enc(id)}/decisions`); }
  /** What happened in the workshop, for whoever missed it (docs/api.md, "What happened"). */
  summary(id) { return this.call("GET", `/api/workshops/${enc(id)}/summary`); }
  trace(boardId, decisionId) {
    return this.call("GET", `/api/boards/${enc(boardId)}/decisions/${enc(decisionId)}/trace`);
  }
  track(id) { return this.call("GET", `/api/tracks/${enc(id)}`); }
  /** Start a solution track from a decision: {board_id, decision_id, title?, summary?,
   * command_id}; answers {id, version, title}. */
  startTrack(workshopId, body) { return this.call("POST", `/api/workshops/${enc(workshopId)}/tracks`, body); }
  /** A solution-track command; pass the same `commandId` again to retry it safely. */
  trackCommand(id, command, commandId) {
    return this.call("POST", `/api/tracks/${enc(id)}/commands`, { command_id: commandId, command });
  }
  programme() { return this.call("GET", "/api/programme"); }
  // Templates (docs/templates.md): the organiser's list; a facilitator's agenda and saving.
  templates() { return this.call("GET", "/api/templates"); }
  setAgenda(workshopId, agenda) {
    return this.call("POST", `/api/workshops/${enc(workshopId)}/agenda`,
      { agenda, command_id: uuidv7() });
  }
  saveTemplate(workshopId, name) {
    return this.call("POST", `/api/workshops/${enc(workshopId)}/templates`,
      { name, command_id: uuidv7() });
  }
}

const enc = encodeURIComponent;
