/// The HTML report's style sheet: one column, system fonts (nothing is fetched), function
/// names in monospace and isolated from the text around them (a right-to-left override in a
/// name cannot reorder the page).
enum HTMLStyle {
    static let css = #"""
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
  --accent: #0969da; --critical: #cf222e; --warning: #9a6700; --info: #0550ae; --ok: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
header.page { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); }
header.page h1 { margin: 0 0 4px; font-size: 22px; }
header.page p { margin: 2px 0; color: var(--muted); }
nav.toc { position: sticky; top: 0; z-index: 2; background: rgba(255,255,255,0.96); border-bottom: 1px solid var(--line); padding: 6px 24px; }
/* What a contents link scrolls to stops below the sticky bar (two lines of it; a culprit's
   graph is scrolled clear of the bar's own height by the script). */
section[id], article[id] { scroll-margin-top: 4em; }
nav.toc a { margin-right: 16px; color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { padding: 8px 24px 48px; max-width: 1400px; }
section { margin: 24px 0 32px; }
h2 { font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 6px; }
h4 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); margin: 14px 0 4px; }
.fn, code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.fn { unicode-bidi: isolate; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-style: italic; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 12px; }
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; overflow-wrap: anywhere; }
pre.pprof { background: var(--soft); border: 1px solid var(--line); padding: 8px 10px; margin: 8px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
article.finding { border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 6px; padding: 12px 16px; margin: 14px 0; }
article.finding.level-critical { border-left-color: var(--critical); }
article.finding.level-warning { border-left-color: var(--warning); }
article.finding.level-fixed { border-left-color: var(--ok); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: var(--info); vertical-align: 1px; }
.badge.critical, .badge.new, .badge.worse { background: var(--critical); }
.badge.warning, .badge.persisting { background: var(--warning); }
.badge.fixed { background: var(--ok); }
.rule { font-weight: 700; }
p.measure { margin: 2px 0 8px; }
article.finding .evidence { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 0 28px; }
article.finding .evidence > div { min-width: 0; }
article.finding p { margin: 6px 0; }
article.finding details > summary { cursor: pointer; color: var(--accent); margin: 10px 0 0; }
ol.stack { display: flex; flex-wrap: wrap; list-style: none; margin: 4px 0; padding: 0; }
ol.stack li:not(:last-child)::after { content: "\203A"; color: var(--muted); margin: 0 6px; }
button.zoom { all: unset; cursor: pointer; color: var(--accent); border-bottom: 1px dotted var(--accent); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; unicode-bidi: isolate; overflow-wrap: anywhere; }
button.zoom:hover, button.zoom:focus-visible { background: #ddf4ff; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: " \2195"; color: #afb8c1; }
table.sortable th[aria-sort="ascending"]::after { content: " \25B2"; color: var(--fg); }
table.sortable th[aria-sort="descending"]::after { content: " \25BC"; color: var(--fg); }
table.data tbody tr[data-fn] { cursor: pointer; }
table.data tbody tr[data-fn]:hover, table.data tbody tr[data-fn]:focus { background: #ddf4ff; outline: none; }
td.pos { color: var(--critical); }
td.neg { color: var(--ok); }
table.signals td.seen { color: var(--ok); font-weight: 600; white-space: nowrap; }
table.signals td.unseen { color: var(--warning); font-weight: 600; white-space: nowrap; }
table.source { font-size: 12.5px; }
table.source td { border-bottom: none; padding: 0 8px; }
table.source td.code { white-space: pre; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
table.source tr.hot { background: #fff1e5; font-weight: 600; }
table.source tr.gap td { color: var(--muted); }
p.evidence.confirmed { color: var(--critical); }
p.evidence.contradicted { color: var(--ok); }
.filter { display: flex; gap: 10px; align-items: center; margin: 10px 0 4px; }
input[type="search"] { font: inherit; padding: 4px 8px; min-width: 320px; border: 1px solid var(--line); border-radius: 6px; }
input.invalid { border-color: var(--warning); }
figure.flame { margin: 10px 0; }
figure.flame .controls { display: flex; gap: 10px; align-items: center; margin-bottom: 6px; flex-wrap: wrap; }
figure.flame button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); cursor: pointer; }
figure.flame svg { display: block; width: 100%; height: auto; border: 1px solid var(--line); }
figure.flame figcaption { color: var(--muted); font-size: 12.5px; margin-top: 4px; }
.status { color: var(--muted); }
"""#
}
