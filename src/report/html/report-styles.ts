/** The report page's stylesheet, inlined (the page fetches nothing). Colours: see VERDICT_STYLES. */
export const REPORT_STYLES = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa;
  --pass-bg: #d1f3d9; --pass-fg: #0f5323; --pass-line: #2da44e;
  --xbreak-bg: #ffe2c2; --xbreak-fg: #6b3100; --xbreak-line: #d4761a;
  --ubreak-bg: #cf222e; --ubreak-fg: #ffffff; --ubreak-line: #a40e26;
  --upass-bg: #8250df; --upass-fg: #ffffff; --upass-line: #6639ba;
  --error-bg: #fff1a8; --error-fg: #4d3800; --error-line: #9a6700;
  --skip-bg: #eaeef2; --skip-fg: #424a53; --skip-line: #afb8c1; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 20px; }
h1 { font-size: 22px; margin: 14px 0 4px; }
h2 { font-size: 18px; margin: 22px 0 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
h4 { font-size: 13px; margin: 12px 0 4px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
h4 code { text-transform: none; letter-spacing: 0; color: var(--fg); }
.banner { padding: 10px 20px; font-weight: 600; border-bottom: 1px solid var(--line); }
.banner p { margin: 2px 0; font-weight: 400; }
.banner-standin { background: #fff8c5; color: #4d2d00; border-bottom-color: #d4a72c; }
.banner-upstream { background: #ddf4ff; color: #0a3069; border-bottom-color: #54aeff; }
.banner-attach { background: var(--panel); }
.verdict { font-size: 17px; font-weight: 600; margin: 6px 0; padding: 8px 12px; border-radius: 6px; border-left: 6px solid; }
.verdict-ok { background: var(--pass-bg); border-color: var(--pass-line); }
.verdict-unexpected { background: #ffebe9; border-color: var(--ubreak-line); }
.verdict-error { background: var(--error-bg); border-color: var(--error-line); }
.meta { color: var(--muted); margin: 4px 0; }
.grids { display: flex; flex-wrap: wrap; gap: 28px; }
table.grid { border-collapse: separate; border-spacing: 6px; }
table.grid caption { text-align: left; font-weight: 600; padding-left: 6px; }
table.grid th { font-weight: 600; color: var(--muted); padding: 4px 8px; text-align: center; }
table.grid th[scope=row] { text-align: right; }
button.cell { display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 2px; width: 150px; min-height: 64px;
  padding: 6px; border: 2px solid; border-radius: 8px; cursor: pointer; font: inherit; }
button.cell:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
button.cell[aria-expanded=true] { box-shadow: 0 0 0 3px #0969da; }
button.cell .sym { font-size: 20px; line-height: 1; font-weight: 700; }
button.cell .lbl { font-size: 12px; font-weight: 600; }
.chg { display: inline-block; font-size: 11px; font-weight: 700; padding: 0 6px; border-radius: 10px; background: #ffffff; color: #1f2328; border: 1px solid #1f2328; }
.not-run { display: flex; align-items: center; justify-content: center; width: 150px; min-height: 64px; border: 2px dashed var(--line); border-radius: 8px; color: var(--muted); }
.v-pass { background: var(--pass-bg); color: var(--pass-fg); border-color: var(--pass-line); }
.v-expected-break { background: var(--xbreak-bg); color: var(--xbreak-fg); border-color: var(--xbreak-line); }
.v-unexpected-break { background: var(--ubreak-bg); color: var(--ubreak-fg); border-color: var(--ubreak-line); }
.v-unexpected-pass { background: var(--upass-bg); color: var(--upass-fg); border-color: var(--upass-line); }
.v-error { background: var(--error-bg); color: var(--error-fg); border-color: var(--error-line); }
.v-skipped { background: var(--skip-bg); color: var(--skip-fg); border-color: var(--skip-line); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; padding: 0; list-style: none; margin: 8px 0; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-flex; align-items: center; justify-content: center; width: 26px; height: 20px; border: 2px solid; border-radius: 4px; font-weight: 700; font-size: 12px; }
.swatch.not-run-swatch { border-style: dashed; border-color: var(--line); color: var(--muted); }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; border: 1px solid; font-size: 12px; font-weight: 600; white-space: nowrap; }
.attention li { margin: 2px 0; }
.linklike { background: none; border: none; padding: 0; color: #0969da; text-decoration: underline; cursor: pointer; font: inherit; }
.cell-detail { border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 16px; margin: 16px 0; overflow-wrap: anywhere; scroll-margin-top: 8px; }
.cell-detail p, .cell-detail summary, .cell-detail code, .causes code { overflow-wrap: anywhere; word-break: break-word; }
ul.causes { list-style: none; padding: 0; margin: 8px 0; }
li.cause { border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px; margin: 6px 0; overflow-wrap: anywhere; }
li.cause p { margin: 3px 0; }
li.cause .cause-summary { font-weight: 600; }
.full-evidence { margin: 8px 0; }
.load-evidence { font: inherit; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); cursor: pointer; }
.js .cell-detail { display: none; }
.js .cell-detail.open { display: block; }
.js #detail-hint { display: block; }
.js.has-open #detail-hint { display: none; }
.js.has-open #details { min-height: 100vh; }
#detail-hint { display: none; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
details.scenario { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; margin: 8px 0; background: var(--bg); }
details.scenario > summary { padding: 6px 10px; cursor: pointer; }
details.scenario > .scenario-body { padding: 0 12px 10px; }
details.scenario.b-pass { border-left-color: var(--pass-line); }
details.scenario.b-expected-break { border-left-color: var(--xbreak-line); }
details.scenario.b-unexpected-break { border-left-color: var(--ubreak-line); }
details.scenario.b-unexpected-pass { border-left-color: var(--upass-line); }
details.scenario.b-error { border-left-color: var(--error-line); }
details.scenario.b-skipped { border-left-color: var(--skip-line); }
.dur { color: var(--muted); font-size: 12px; }
.diagnosis { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px 8px; }
.seed { background: #fff8c5; border-left: 4px solid #d4a72c; padding: 4px 8px; }
.exchange { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; background: var(--bg); }
.exchange > .ex-head, details.exchange > summary { padding: 4px 8px; background: var(--panel); border-radius: 6px 6px 0 0; overflow-wrap: anywhere; }
details.exchange > summary { cursor: pointer; }
.exchange.decisive { border: 2px solid var(--ubreak-line); box-shadow: 0 0 0 3px #ffebe9; }
.exchange.decisive > .ex-head { background: #ffebe9; }
.ex-parts { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 8px; padding: 6px 8px; }
.ex-parts > div { min-width: 0; }
@media (max-width: 900px) { .ex-parts { grid-template-columns: minmax(0, 1fr); } }
.ex-parts h5 { margin: 4px 0 2px; font-size: 12px; color: var(--muted); }
pre { margin: 0; padding: 6px 8px; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 420px; overflow: auto; }
pre.body-error { border-color: var(--ubreak-line); background: #fff5f5; }
.status { font-weight: 700; padding: 0 6px; border-radius: 4px; }
.s2xx { background: var(--pass-bg); color: var(--pass-fg); }
.s3xx { background: #ddf4ff; color: #0a3069; }
.s4xx, .s5xx, .s-none { background: var(--ubreak-bg); color: var(--ubreak-fg); }
.marker { color: #9a6700; font-style: italic; }
mark { background: #ffd8b5; }
ul.refs { margin: 2px 0; padding-left: 20px; }
footer { max-width: 1200px; margin: 24px auto; padding: 0 20px; color: var(--muted); font-size: 12px; }
`;
