// The workshop report to print, /w/{id}?report=1 (facilitators and auditors): the report as
// GET /api/workshops/{id}/report.html renders it (the Markdown report; what people wrote is
// escaped by the service), shown in the page with its print style (report.css). "Print"
// opens the browser's print dialog: to paper, or to a PDF.
import { fetchText } from "./downloads.js";

const $ = (id) => document.getElementById(id);

export class ReportView {
  constructor(page) { this.page = page; }

  wire() {
    $("report-print").addEventListener("click", () => window.print());
  }

  async load(moveFocus) {
    this.page.setTitle("Workshop report");
    const status = $("report-view-status");
    status.textContent = "Preparing the report…";
    $("report-print").disabled = true;
    $("report-body").replaceChildren();
    try {
      const path = `/api/workshops/${encodeURIComponent(this.page.id)}/report.html`;
      const { text } = await fetchText(this.page.api, path);
      // The service's page, parsed inert (no script runs, no style applies): its article only.
      const article = new DOMParser().parseFromString(text, "text/html").querySelector("article.report");
      $("report-body").replaceChildren(document.adoptNode(article));
      const heading = article.querySelector("h1");
      heading.tabIndex = -1;
      this.page.setTitle(`Report: ${heading.textContent}`);
      $("report-print").disabled = false;
      status.textContent = "";
      if (moveFocus) heading.focus();
    } catch (error) {
      status.textContent = `No report: ${error.message}`;
    }
  }
}
