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
  // Each frame's rectangle and label, found once (looking them up at each fit took most of its
  // time on a big graph).
  var rects = frames.map(function (g) { return g.getElementsByTagName("rect")[0]; });
  var texts = frames.map(function (g) { return g.getElementsByTagName("text")[0]; });
  frames.forEach(function (g, i) {
    g.setAttribute("data-ox", rects[i].getAttribute("x"));
    g.setAttribute("data-ow", rects[i].getAttribute("width"));
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
  // Labels are drawn in the labels' font scaled to the graph's size on screen (the SVG's scale
  // times the device's pixel ratio), and hinting at that size moves widths by up to a pixel:
  // a canvas measuring in that font at that size agrees with the drawn text to a few
  // hundredths of a pixel, without a layout. Without a canvas, FONTW (an average width) cuts.
  var canvas = null, labelStyle = null;
  try {
    labelStyle = window.getComputedStyle(framesGroup.getElementsByTagName("text")[0]);
    // An OffscreenCanvas serves a standalone SVG too, where there is no HTML canvas.
    canvas = (typeof OffscreenCanvas === "function" ? new OffscreenCanvas(1, 1) : document.createElement("canvas")).getContext("2d");
  } catch (e) { canvas = null; }
  // The width a text is drawn at, in the SVG's units; null without a canvas. Taken before the
  // frames move: reading the scale after would lay the whole graph out once more.
  function labelMeasure() {
    if (canvas === null) return null;
    var m = framesGroup.getScreenCTM();
    var scale = (m ? Math.sqrt((m.a * m.a + m.b * m.b + m.c * m.c + m.d * m.d) / 2) : 1) * (window.devicePixelRatio || 1);
    if (!(scale > 0 && isFinite(scale))) scale = 1;
    canvas.font = labelStyle.fontStyle + " " + labelStyle.fontWeight + " " +
      parseFloat(labelStyle.fontSize) * scale + "px " + labelStyle.fontFamily;
    return function (text) { return canvas.measureText(text).width / scale; };
  }
  // Where the canvas's width is within CLOSE units of the frame's, the drawn text decides, in
  // at most ROUNDS layouts.
  var CLOSE = 0.5, ROUNDS = 8;
  // The name's first n characters and "..", or the whole name when n is its length.
  function labelText(name, n) { return n >= name.length ? name : n > 0 ? name.substring(0, n) + ".." : ""; }
  // (A text or attribute written, even unchanged, has the text laid out again.)
  function setText(t, text) { if (t.textContent !== text) t.textContent = text; }
  // What the canvas tells of a label: whether the whole name fits (true, false, or null: too
  // close to call); of the cuts, that lo characters fit and hi do not (hi = the name's length:
  // none is known not to), the cuts between too close to call.
  function canvasFit(name, w, measure) {
    var whole = measure(name), label = { name: name, w: w, lo: 0, hi: name.length };
    label.whole = whole <= w - CLOSE ? true : whole > w + CLOSE ? false : null;
    if (label.whole === true) return label;
    var low = 0, high = name.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (measure(labelText(name, middle)) <= w) low = middle; else high = middle - 1;
    }
    label.lo = low;
    while (label.lo > 0 && measure(labelText(name, label.lo)) > w - CLOSE) label.lo -= 1;
    label.hi = low + 1;
    while (label.hi < name.length && measure(labelText(name, label.hi)) <= w + CLOSE) label.hi += 1;
    return label;
  }
  // Without a canvas: as many characters as the average width says.
  function averageFit(name, w) {
    var fit = Math.floor(w / (FONT * FONTW));
    return fit < 3 ? "" : name.length <= fit ? name : name.substring(0, fit - 2) + "..";
  }
  // Each shown frame's label: the whole name if the frame's width holds it, else as many of
  // its characters as it holds with "..". The canvas decides wherever it is clear; the few
  // labels it leaves open are written, then read, all of a round together, so that a round is
  // one layout (a read after each write lays the whole graph out each time: 13 s for 15k frames).
  function fitLabels(measure) {
    var dots = measure === null ? 0 : measure(".."), open = [];
    frames.forEach(function (g, i) {
      if (g.classList.contains("hide")) return;  // not drawn; the zoom that shows it fits it
      var t = texts[i], r = rects[i], w = parseFloat(r.getAttribute("width")) - 3;
      // Narrower than "..", a frame holds no label (nor needs its x): most frames of a big
      // graph, left unmeasured.
      if (measure !== null && w < dots) { setText(t, ""); return; }
      var x = parseFloat(r.getAttribute("x")) + 3;
      if (Math.abs(parseFloat(t.getAttribute("x")) - x) > 0.001) t.setAttribute("x", x.toFixed(2));
      var name = nameOf(g);
      if (measure === null) { setText(t, averageFit(name, w)); return; }
      var label = canvasFit(name, w, measure);
      label.t = t;
      if (label.whole === null || (label.whole === false && label.hi - label.lo > 1)) open.push(label);
      else setText(t, labelText(name, label.whole ? name.length : label.lo));
    });
    // Each round tries the whole name, else the cut halfway between lo and hi (a longer cut
    // is never narrower); after ROUNDS, a label still open keeps the longest cut known to fit.
    var pending = open;
    for (var round = 0; round < ROUNDS && pending.length > 0; round++) {
      pending.forEach(function (l) {
        l.trying = l.whole === null ? l.name.length : (l.lo + l.hi) >> 1;
        setText(l.t, labelText(l.name, l.trying));
      });
      var fits = pending.map(function (l) { return l.t.getComputedTextLength() <= l.w; });
      pending = pending.filter(function (l, i) {
        if (l.whole === null) l.whole = fits[i];
        else if (fits[i]) l.lo = l.trying; else l.hi = l.trying;
        return l.whole === false && l.hi - l.lo > 1;
      });
    }
    open.forEach(function (l) { setText(l.t, labelText(l.name, l.whole ? l.name.length : l.lo)); });
  }
  function zoom(target) {
    var zs = value(target, "data-s"), zv = value(target, "data-v"), zd = value(target, "data-d");
    if (zv <= 0) return;
    var measure = labelMeasure();
    if (zoomed) zoomed.classList.remove("zoomed");
    zoomed = target;
    target.classList.add("zoomed");
    unzoomButton.classList.remove("hide");
    frames.forEach(function (g, i) {
      var s = value(g, "data-s"), v = value(g, "data-v"), d = value(g, "data-d");
      var r = rects[i];
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
    });
    fitLabels(measure);
    var r = target.getElementsByTagName("rect")[0];
    setParam("x", target.getAttribute("data-ox"));
    setParam("y", r.getAttribute("y"));
    if (searching !== null) search(searching);
  }
  function unzoom() {
    var measure = labelMeasure();
    if (zoomed) zoomed.classList.remove("zoomed");
    zoomed = null;
    unzoomButton.classList.add("hide");
    frames.forEach(function (g, i) {
      var r = rects[i];
      r.setAttribute("x", g.getAttribute("data-ox"));
      r.setAttribute("width", g.getAttribute("data-ow"));
      g.classList.remove("parent");
      g.classList.remove("hide");
    });
    fitLabels(measure);
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
  if (canvas !== null) fitLabels(labelMeasure());
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
