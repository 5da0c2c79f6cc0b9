/**
 * The portal's only stylesheet and script, served by the Worker from these strings (no build step, no CDN; CSP
 * `'self'`). Colours meet WCAG 2.1 AA contrast (≥ 4.5:1 on their backgrounds: #1a1a2e on #fff is 17:1, #0b5cad on
 * #fff 6.4:1, #fff on #0b5cad 6.4:1, #8a1c1c on #fdecec 7.9:1); focus is always visible.
 */
export const PORTAL_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a2e;background:#fff}
a{color:#0b5cad}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.6rem 1.2rem;background:#f2f5f9;border-bottom:1px solid #c9d3df}
.brand{font-weight:700;text-decoration:none;color:#1a1a2e;font-size:1.15rem}
nav ul{display:flex;flex-wrap:wrap;gap:.9rem;list-style:none;margin:0;padding:0}
nav .tabs{margin-top:.3rem;font-size:.95rem}
.signout{margin-left:auto;display:flex;gap:.6rem;align-items:center}
main{padding:1rem 1.2rem;max-width:72rem}
h1{font-size:1.5rem;margin:.3rem 0 1rem}h2{font-size:1.15rem;margin:1.6rem 0 .6rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d5dbe3;vertical-align:top}
th{background:#f2f5f9}
td code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem;word-break:break-all}
pre{background:#f6f8fa;padding:.6rem;border:1px solid #d5dbe3;white-space:pre-wrap}
form.inline{display:inline}
fieldset{border:1px solid #c9d3df;padding:.6rem 1rem;margin:.6rem 0 1rem}
legend{font-weight:600}
.field{display:flex;flex-direction:column;gap:.2rem;margin:.4rem 0;max-width:32rem}
.field small{color:#4a5568}
input,select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #6b7785;border-radius:4px;color:#1a1a2e;background:#fff}
button{font:inherit;padding:.35rem .9rem;border-radius:4px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b5cad}
button.danger{background:#8a1c1c;border-color:#8a1c1c}
.notice{padding:.5rem .8rem;border-radius:4px}
.notice.ok{background:#e8f5ec;color:#1d5e2f}
.notice.error{background:#fdecec;color:#8a1c1c}
.secret-value{background:#fff8e1;border-color:#b35c00}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem}
.chart text{font-size:11px;fill:#1a1a2e}.chart .bar{fill:#0b5cad}.chart .limit{stroke:#8a1c1c;stroke-dasharray:4 3}
.chart .axis{stroke:#6b7785}
.pager{display:flex;gap:1.2rem;margin:.2rem 0 1rem}
`;

/**
 * Progressive enhancement only; every page works without it:
 *  - a revealed secret value is wiped when the page is left (also from the back-forward cache);
 *  - forms marked data-confirm ask before they run (deletes, purges);
 *  - the audit view's live tail polls its JSON feed and appends new records (the log reads oldest first).
 */
export const PORTAL_JS = `
"use strict";
window.addEventListener("pagehide", function () {
  document.querySelectorAll("[data-secret]").forEach(function (el) { el.textContent = "(hidden)"; });
});
window.addEventListener("pageshow", function (e) {
  if (e.persisted) document.querySelectorAll("[data-secret]").forEach(function (el) { el.textContent = "(hidden)"; });
});
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (e) { if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault(); });
});
(function liveTail() {
  var body = document.querySelector("[data-tail]");
  var toggle = document.querySelector("[data-tail-toggle]");
  if (!body || !toggle) return;
  var timer = null;
  var seen = new Set(Array.from(body.querySelectorAll("tr[data-id]")).map(function (tr) { return tr.getAttribute("data-id"); }));
  function cell(text) { var td = document.createElement("td"); td.textContent = text; return td; }
  function poll() {
    fetch(body.getAttribute("data-tail"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (records) {
        records.forEach(function (r) {
          if (seen.has(r.id)) return;
          seen.add(r.id);
          var tr = document.createElement("tr");
          tr.setAttribute("data-id", r.id);
          r.cells.forEach(function (t) { tr.appendChild(cell(t)); });
          body.appendChild(tr);
        });
      })
      .catch(function () {});
  }
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    if (timer === null) { poll(); timer = setInterval(poll, 3000); toggle.textContent = "Stop live tail"; toggle.setAttribute("aria-pressed", "true"); }
    else { clearInterval(timer); timer = null; toggle.textContent = "Start live tail"; toggle.setAttribute("aria-pressed", "false"); }
  });
})();
`;
