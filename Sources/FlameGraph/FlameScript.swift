/// The script embedded in every flame graph: zoom on click, reset, search (the Search
/// control, Ctrl-F or "/"), tooltips in the details line, and flamegraph.pl-style URL
/// parameters (?s=REGEX to search, ?x=..&y=.. to zoom to the frame drawn there). It reads
/// frames from the document (names from each frame's <title>, values from data-v/data-s)
/// and never inserts markup, so names stay text.
enum FlameScript {
    static let source = #"""
"use strict";
var svg, frames, details, searchButton, matchedText, unzoomButton, searching = null, zoomed = null;
var W, XPAD, FONT, FONTW, MINW, TOTAL;
function init(evt) {
  svg = document.documentElement;
  frames = Array.prototype.slice.call(document.getElementById("frames").getElementsByTagName("g"));
  details = document.getElementById("details").firstChild;
  searchButton = document.getElementById("search");
  matchedText = document.getElementById("matched");
  unzoomButton = document.getElementById("unzoom");
  W = parseFloat(svg.getAttribute("data-width"));
  XPAD = parseFloat(svg.getAttribute("data-xpad"));
  FONT = parseFloat(svg.getAttribute("data-font"));
  FONTW = parseFloat(svg.getAttribute("data-fontw"));
  MINW = parseFloat(svg.getAttribute("data-minw"));
  TOTAL = parseFloat(svg.getAttribute("data-total"));
  frames.forEach(function (g) {
    var r = g.getElementsByTagName("rect")[0];
    g.setAttribute("data-ox", r.getAttribute("x"));
    g.setAttribute("data-ow", r.getAttribute("width"));
  });
  var params = new URLSearchParams(window.location.search);
  if (params.get("x") !== null && params.get("y") !== null) {
    var x = parseFloat(params.get("x")), y = parseFloat(params.get("y"));
    var target = frames.filter(function (g) {
      var r = g.getElementsByTagName("rect")[0];
      return Math.abs(parseFloat(r.getAttribute("x")) - x) < 0.01 && Math.abs(parseFloat(r.getAttribute("y")) - y) < 0.01;
    })[0];
    if (target) zoom(target);
  }
  if (params.get("s")) search(params.get("s"));
  svg.setAttribute("data-ready", "true");
}
window.addEventListener("load", init);
function nameOf(g) { return g.getElementsByTagName("title")[0].textContent.split("\n")[0]; }
function value(g, key) { return parseFloat(g.getAttribute(key)); }
function setParam(key, val) {
  try {
    var params = new URLSearchParams(window.location.search);
    if (val === null) params.delete(key); else params.set(key, val);
    var q = params.toString();
    history.replaceState(null, null, q ? "?" + q : window.location.pathname);
  } catch (e) { /* file: URLs may refuse; the view still works */ }
}
function fitText(g) {
  var t = g.getElementsByTagName("text")[0], r = g.getElementsByTagName("rect")[0];
  var w = parseFloat(r.getAttribute("width")) - 3;
  t.setAttribute("x", (parseFloat(r.getAttribute("x")) + 3).toFixed(2));
  var name = nameOf(g), fit = Math.floor(w / (FONT * FONTW));
  if (fit < 3) { t.textContent = ""; return; }
  t.textContent = name.length <= fit ? name : name.substring(0, fit - 2) + "..";
}
function zoom(target) {
  var zs = value(target, "data-s"), zv = value(target, "data-v"), zd = value(target, "data-d");
  if (zv <= 0) return;
  zoomed = target;
  unzoomButton.classList.remove("hide");
  frames.forEach(function (g) {
    var s = value(g, "data-s"), v = value(g, "data-v"), d = value(g, "data-d");
    var r = g.getElementsByTagName("rect")[0];
    g.classList.remove("parent");
    g.classList.remove("hide");
    if (d >= zd && s >= zs && s + v <= zs + zv) {
      var x = XPAD + (s - zs) / zv * W, w = v / zv * W;
      r.setAttribute("x", x.toFixed(2));
      r.setAttribute("width", w.toFixed(2));
      if (w < MINW) g.classList.add("hide");
    } else if (d < zd && s <= zs && s + v >= zs + zv) {
      r.setAttribute("x", XPAD.toFixed(2));
      r.setAttribute("width", W.toFixed(2));
      g.classList.add("parent");
    } else {
      g.classList.add("hide");
    }
    fitText(g);
  });
  var r = target.getElementsByTagName("rect")[0];
  setParam("x", target.getAttribute("data-ox"));
  setParam("y", r.getAttribute("y"));
  if (searching !== null) search(searching);
}
function unzoom() {
  zoomed = null;
  unzoomButton.classList.add("hide");
  frames.forEach(function (g) {
    var r = g.getElementsByTagName("rect")[0];
    r.setAttribute("x", g.getAttribute("data-ox"));
    r.setAttribute("width", g.getAttribute("data-ow"));
    g.classList.remove("parent");
    g.classList.remove("hide");
    fitText(g);
  });
  setParam("x", null);
  setParam("y", null);
  if (searching !== null) search(searching);
}
function search(term) {
  var began = Date.now(), re;
  try { re = new RegExp(term); } catch (e) { matchedText.textContent = "Bad regex"; return; }
  searching = term;
  var ranges = [];
  frames.forEach(function (g) {
    var hit = re.test(nameOf(g));
    g.classList.toggle("match", hit);
    if (hit) ranges.push([value(g, "data-s"), value(g, "data-v")]);
  });
  // A match nested inside another match covers part of the same samples: count them once.
  ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
  var covered = 0, end = -Infinity;
  ranges.forEach(function (r) {
    var s = r[0], e = r[0] + r[1];
    if (e <= end) return;
    covered += e - Math.max(s, end);
    end = e;
  });
  var share = TOTAL > 0 ? covered / TOTAL * 100 : 0;
  matchedText.textContent = "Matched: " + share.toFixed(2) + "%";
  matchedText.setAttribute("data-share", share.toFixed(4));
  matchedText.setAttribute("data-ms", String(Date.now() - began));
  searchButton.classList.add("active");
  setParam("s", term);
}
function resetSearch() {
  searching = null;
  frames.forEach(function (g) { g.classList.remove("match"); });
  matchedText.textContent = "";
  searchButton.classList.remove("active");
  setParam("s", null);
}
function askSearch() {
  if (searching !== null) { resetSearch(); return; }
  var term = prompt("Search frames (regular expression):", "");
  if (term) search(term);
}
document.addEventListener("click", function (e) {
  var g = e.target.closest ? e.target.closest("#frames g") : null;
  if (g) { if (g.classList.contains("parent") || g === zoomed) unzoom(); else zoom(g); return; }
  if (e.target.id === "unzoom") unzoom();
  if (e.target.id === "search") askSearch();
});
document.addEventListener("mouseover", function (e) {
  var g = e.target.closest ? e.target.closest("#frames g") : null;
  if (g) details.nodeValue = g.getElementsByTagName("title")[0].textContent.replace("\n", " ");
});
document.addEventListener("mouseout", function () { details.nodeValue = " "; });
document.addEventListener("keydown", function (e) {
  if ((e.ctrlKey && e.key === "f") || e.key === "/") { e.preventDefault(); askSearch(); }
  if (e.key === "Escape") { resetSearch(); unzoom(); }
});
"""#
}
