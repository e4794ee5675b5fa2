import { uuidv7 } from "./ids.js";

// A thin client of Plenary's HTTP API. Every call carries the bearer token.
export class Api {
  constructor(token) { this.token = token; }

  async call(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) {
      const error = new Error(data.error?.message ?? response.statusText);
      error.code = data.error?.code ?? "http_" + response.status;
      throw error;
    }
    return data;
  }

  workshop(id) { return this.call("GET", `/api/workshops/${id}`); }
  board(id) { return this.call("GET", `/api/boards/${id}`); }
  events(id, after) { return this.call("GET", `/api/boards/${id}/events?after=${after}`); }
  command(boardId, command) {
    return this.call("POST", `/api/boards/${boardId}/commands`,
      { command_id: uuidv7(), command });
  }
}

// The claims inside a token (its signature is checked by the server, not here).
export function claimsOf(token) {
  const payload = token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(payload));
}
