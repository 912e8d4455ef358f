(function () {
"use strict";
function each(list, action) { Array.prototype.forEach.call(list, action); }
function setStatus(prefix, text) {
  var status = document.getElementById(prefix + "status");
  if (status) status.textContent = text;
}
function zoomTo(prefix, name) {
  var flame = window.proflensFlame;
  if (!flame) return;
  var found = flame.zoomToName(name, prefix);
  setStatus(prefix, found ? "Zoomed to " + name + " (click it or Reset zoom to go back)"
                          : name + " is not drawn in this graph (narrower than the minimum width)");
  var figure = document.getElementById(prefix + "figure");
  if (!figure || !figure.scrollIntoView) return;
  // Its controls and status line stop below the sticky contents bar, however many lines the
  // bar wraps to on a narrow window.
  var bar = document.querySelector("nav.toc");
  figure.style.scrollMarginTop = (bar ? Math.ceil(bar.getBoundingClientRect().height) + 8 : 0) + "px";
  figure.scrollIntoView({ block: "start" });
}
function sortKey(row, column, numeric) {
  var cell = row.cells[column];
  if (numeric) return parseFloat(cell.getAttribute("data-v"));
  return cell.getAttribute("data-v") || row.getAttribute("data-fn") || cell.textContent;
}
function setUpSorting(table) {
  var body = table.tBodies[0];
  each(table.tHead.rows[0].cells, function (th, column) {
    function sort() {
      var numeric = th.getAttribute("data-sort") === "num";
      var current = th.getAttribute("aria-sort");
      var next = current === "descending" ? "ascending" : current === "ascending" ? "descending" : numeric ? "descending" : "ascending";
      var sign = next === "ascending" ? 1 : -1;
      var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
        return { row: row, key: sortKey(row, column, numeric), index: index };
      });
      rows.sort(function (a, b) {
        if (a.key < b.key) return -sign;
        if (a.key > b.key) return sign;
        return a.index - b.index;
      });
      rows.forEach(function (entry) { body.appendChild(entry.row); });
      each(table.tHead.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", next);
    }
    th.tabIndex = 0;
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });
}
function setUpFilter(input) {
  var table = document.getElementById(input.getAttribute("data-table"));
  var count = document.getElementById(input.getAttribute("data-table") + "-count");
  if (!table) return;
  function apply() {
    var term = input.value, test = null, literal = false;
    if (term !== "") {
      try {
        var re = new RegExp(term, "i");
        test = function (name) { return re.test(name); };
      } catch (e) {
        var lower = term.toLowerCase();
        literal = true;
        test = function (name) { return name.toLowerCase().indexOf(lower) >= 0; };
      }
    }
    var rows = table.tBodies[0].rows, shown = 0;
    each(rows, function (row) {
      var keep = test === null || test(row.getAttribute("data-fn") || "");
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    input.classList.toggle("invalid", literal);
    if (count) count.textContent = shown + " of " + rows.length + " rows" + (literal ? " (not a regular expression: matched as text)" : "");
  }
  input.addEventListener("input", apply);
  apply();
}
function setUpGraphControls(figure) {
  var prefix = figure.getAttribute("data-graph");
  each(figure.querySelectorAll("input.flame-search"), function (input) {
    input.addEventListener("input", function () {
      var flame = window.proflensFlame;
      if (!flame) return;
      if (input.value === "") { flame.resetSearch(prefix); setStatus(prefix, ""); return; }
      var valid = flame.search(input.value, prefix);
      input.classList.toggle("invalid", !valid);
      setStatus(prefix, valid ? "" : "not a regular expression");
    });
  });
  each(figure.querySelectorAll("button[data-action]"), function (button) {
    button.addEventListener("click", function () {
      var flame = window.proflensFlame;
      if (!flame) return;
      flame.unzoom(prefix);
      if (button.getAttribute("data-action") === "reset") {
        flame.resetSearch(prefix);
        each(figure.querySelectorAll("input.flame-search"), function (input) { input.value = ""; input.classList.remove("invalid"); });
      }
      setStatus(prefix, "");
    });
  });
}
function zoomTarget(e) {
  if (!e.target.closest || e.target.closest("input, a, th")) return null;
  return e.target.closest("[data-fn][data-graph]");
}
document.addEventListener("click", function (e) {
  var target = zoomTarget(e);
  if (!target) return;
  e.preventDefault();
  zoomTo(target.getAttribute("data-graph"), target.getAttribute("data-fn"));
});
document.addEventListener("keydown", function (e) {
  if (e.key !== "Enter" || !e.target.matches || !e.target.matches("tr[data-fn][data-graph]")) return;
  zoomTo(e.target.getAttribute("data-graph"), e.target.getAttribute("data-fn"));
});
function init() {
  each(document.querySelectorAll("table.sortable"), setUpSorting);
  each(document.querySelectorAll("input.table-filter"), setUpFilter);
  each(document.querySelectorAll("figure.flame[data-graph]"), setUpGraphControls);
  document.body.setAttribute("data-ready", "true");
}
if (document.readyState === "complete") init(); else window.addEventListener("load", init);
})();
