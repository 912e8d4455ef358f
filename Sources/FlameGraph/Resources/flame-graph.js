(function () {
"use strict";
if (window.proflensFlame) return;
var graphs = {}, order = [];
function FlameGraph(svg) {
  var P = svg.getAttribute("data-prefix") || "";
  function part(name) { return document.getElementById(P + name); }
  var framesGroup = part("frames");
  var frames = Array.prototype.slice.call(framesGroup.getElementsByTagName("g"));
  var details = part("details").firstChild, searchButton = part("search");
  var matchedText = part("matched"), unzoomButton = part("unzoom");
  var searching = null, zoomed = null;
  function attribute(key) { return parseFloat(svg.getAttribute(key)); }
  var W = attribute("data-width"), XPAD = attribute("data-xpad"), FONT = attribute("data-font");
  var FONTW = attribute("data-fontw"), MINW = attribute("data-minw"), TOTAL = attribute("data-total");
  frames.forEach(function (g) {
    var r = g.getElementsByTagName("rect")[0];
    g.setAttribute("data-ox", r.getAttribute("x"));
    g.setAttribute("data-ow", r.getAttribute("width"));
  });
  function nameOf(g) { return g.getElementsByTagName("title")[0].textContent.split("\n")[0]; }
  function value(g, key) { return parseFloat(g.getAttribute(key)); }
  function setParam(key, val) {
    try {
      var params = new URLSearchParams(window.location.search);
      if (val === null) params.delete(P + key); else params.set(P + key, val);
      var q = params.toString();
      history.replaceState(history.state, "", (q ? "?" + q : window.location.pathname) + window.location.hash);
    } catch (e) { /* file: URLs may refuse; the view still works */ }
  }
  // The width of a label in the font the labels are drawn in (a canvas measures it without a
  // layout): FONTW, an average width, cuts a proportional font's labels far too short.
  var measure = (function () {
    var label = framesGroup.getElementsByTagName("text")[0];
    try {
      // An OffscreenCanvas serves a standalone SVG too, where there is no HTML canvas.
      var canvas = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(1, 1) : document.createElement("canvas");
      var context = canvas.getContext("2d");
      var style = window.getComputedStyle(label);
      context.font = style.fontStyle + " " + style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
      return function (text) { return context.measureText(text).width; };
    } catch (e) { return null; }
  })();
  // As many characters of the name as the frame's width holds, with ".." when cut.
  function fitText(g) {
    var t = g.getElementsByTagName("text")[0], r = g.getElementsByTagName("rect")[0];
    var w = parseFloat(r.getAttribute("width")) - 3;
    t.setAttribute("x", (parseFloat(r.getAttribute("x")) + 3).toFixed(2));
    var name = nameOf(g), fit = Math.floor(w / (FONT * FONTW));
    if (measure !== null && w > 0) {
      if (measure(name) <= w) { t.textContent = name; return; }
      var low = 0, high = name.length - 1;
      while (low < high) {
        var middle = (low + high + 1) >> 1;
        if (measure(name.substring(0, middle) + "..") <= w) low = middle; else high = middle - 1;
      }
      function cut(n) { t.textContent = n > 0 ? name.substring(0, n) + ".." : ""; }
      cut(low);
      if (g.classList.contains("hide")) return;
      // The drawn text has the last word: at a scaled size, hinting moves a character or so.
      while (low > 0 && t.getComputedTextLength() > w) cut(--low);
      while (low + 1 < name.length) {
        cut(low + 1);
        if (t.getComputedTextLength() > w) { cut(low); break; }
        low += 1;
      }
      return;
    }
    if (fit < 3) { t.textContent = ""; return; }
    t.textContent = name.length <= fit ? name : name.substring(0, fit - 2) + "..";
  }
  function zoom(target) {
    var zs = value(target, "data-s"), zv = value(target, "data-v"), zd = value(target, "data-d");
    if (zv <= 0) return;
    if (zoomed) zoomed.classList.remove("zoomed");
    zoomed = target;
    target.classList.add("zoomed");
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
    if (zoomed) zoomed.classList.remove("zoomed");
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
  // The widest frame named exactly `name` (the first of equal ones); false when none is drawn.
  function zoomToName(name) {
    var best = null;
    frames.forEach(function (g) {
      if (nameOf(g) === name && (best === null || value(g, "data-v") > value(best, "data-v"))) best = g;
    });
    if (best === null) return false;
    zoom(best);
    return true;
  }
  function search(term) {
    var began = Date.now(), re;
    try { re = new RegExp(term); } catch (e) { matchedText.textContent = "Bad regex"; return false; }
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
    return true;
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
  svg.addEventListener("click", function (e) {
    var g = e.target.closest ? e.target.closest("g") : null;
    if (g && g.parentNode === framesGroup) { if (g.classList.contains("parent") || g === zoomed) unzoom(); else zoom(g); return; }
    if (e.target === unzoomButton) unzoom();
    if (e.target === searchButton) askSearch();
  });
  svg.addEventListener("mouseover", function (e) {
    var g = e.target.closest ? e.target.closest("g") : null;
    if (g && g.parentNode === framesGroup) details.nodeValue = g.getElementsByTagName("title")[0].textContent.replace("\n", " ");
  });
  svg.addEventListener("mouseout", function () { details.nodeValue = " "; });
  // Labels were cut without a browser, by the average width: cut them again by the font's own.
  if (measure !== null) frames.forEach(fitText);
  var params = new URLSearchParams(window.location.search);
  if (params.get(P + "x") !== null && params.get(P + "y") !== null) {
    var x = parseFloat(params.get(P + "x")), y = parseFloat(params.get(P + "y"));
    var target = frames.filter(function (g) {
      var r = g.getElementsByTagName("rect")[0];
      return Math.abs(parseFloat(r.getAttribute("x")) - x) < 0.01 && Math.abs(parseFloat(r.getAttribute("y")) - y) < 0.01;
    })[0];
    if (target) zoom(target);
  }
  if (params.get(P + "s")) search(params.get(P + "s"));
  svg.setAttribute("data-ready", "true");
  return { svg: svg, zoom: zoom, unzoom: unzoom, zoomToName: zoomToName, search: search,
           resetSearch: resetSearch, askSearch: askSearch, isSearching: function () { return searching !== null; } };
}
function graph(prefix) { return graphs[prefix === undefined ? order[0] : prefix]; }
window.proflensFlame = {
  graphs: graphs,
  zoomToName: function (name, prefix) { var g = graph(prefix); return g ? g.zoomToName(name) : false; },
  search: function (term, prefix) { var g = graph(prefix); return g ? g.search(term) : false; },
  resetSearch: function (prefix) { var g = graph(prefix); if (g) g.resetSearch(); },
  unzoom: function (prefix) { var g = graph(prefix); if (g) g.unzoom(); }
};
function init() {
  Array.prototype.forEach.call(document.querySelectorAll("svg[data-total]"), function (svg) {
    var prefix = svg.getAttribute("data-prefix") || "";
    if (graphs[prefix]) return;
    graphs[prefix] = FlameGraph(svg);
    order.push(prefix);
  });
}
// Standalone, the SVG is the document and the keys are its own; in a page they stay the page's.
var standalone = document.documentElement.localName === "svg";
document.addEventListener("keydown", function (e) {
  if (!standalone) return;
  var g = graph();
  if (!g) return;
  if ((e.ctrlKey && e.key === "f") || e.key === "/") { e.preventDefault(); g.askSearch(); }
  if (e.key === "Escape") { g.resetSearch(); g.unzoom(); }
});
if (document.readyState === "complete") init(); else window.addEventListener("load", init);
})();
