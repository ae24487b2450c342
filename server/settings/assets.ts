/** The page's whole stylesheet and script, inlined: one request, no bundler. Colours meet WCAG AA on white. */

export const STYLE = `*{box-sizing:border-box}body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1c1d;background:#f4f4f5}
main{max-width:980px;margin:0 auto;padding:16px;overflow-wrap:anywhere}h1{margin:8px 0}h2{margin:0 0 8px;font-size:1.2em}h3{margin:16px 0 4px}
section,aside{background:#fff;border:1px solid #d0d0d4;border-radius:8px;padding:16px;margin:12px 0}
.cols{display:grid;gap:0 16px;grid-template-columns:minmax(0,3fr) minmax(0,2fr)}@media(max-width:700px){.cols{grid-template-columns:1fr}}
a{color:#0b57d0}.btn,button{display:inline-block;font:inherit;border:0;border-radius:6px;padding:8px 14px;background:#007a5a;color:#fff;text-decoration:none;cursor:pointer;min-height:40px}
.btn.alt{background:#4a154b}button.link{background:none;color:#0b57d0;padding:0 4px;min-height:0;text-decoration:underline}
.dangerb{background:#b3261e}:focus-visible{outline:3px solid #1264a3;outline-offset:2px}
input:not([type=checkbox]):not([type=radio]){font:inherit;width:100%;padding:7px;border:1px solid #6b6b70;border-radius:6px;margin-top:2px}
label{display:inline-block}p label,.lbl{font-weight:600}fieldset{border:1px solid #d0d0d4;border-radius:6px;margin:8px 0;padding:8px 12px}legend{font-weight:700;padding:0 4px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr))}.row{display:flex;gap:8px;flex-wrap:wrap}
.plain{list-style:none;padding:0;margin:4px 0}.plain li{padding:4px 0;border-bottom:1px solid #eee}.pick{max-height:220px;overflow:auto}
.inline{display:inline}.muted{color:#545458;font-weight:400}.err,.bad{color:#b3261e}.warn{color:#8a4b00}.ok{color:#0a6b3d}
.pill{display:inline-block;padding:0 8px;border-radius:10px;background:#ececee;font-size:.9em}.okp,.s-resolved{background:#d6f5dd}.warnp,.s-awaiting_approval{background:#fff0c2}.s-failed,.s-rejected{background:#fde2e1}
[aria-invalid=true]{border-color:#b3261e!important}.okl strong{color:#0a6b3d}.badl strong{color:#b3261e}.danger{border-color:#e3a7a3}
.scroll{overflow-x:auto}table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:6px;border-bottom:1px solid #eee}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}dt{font-weight:600}dd{margin:0}code{font-size:.9em;word-break:break-all}
.scopes{padding-left:18px}.note{background:#fff0c2;padding:6px 10px;border-radius:6px}.sr{position:absolute;left:-9999px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}.radios label{margin-right:16px}`;

// Progressive enhancement only: everything works without it.
export const SCRIPT = `for(const i of document.querySelectorAll('[data-filter]')){const l=document.getElementById(i.dataset.filter);
i.addEventListener('input',()=>{const q=i.value.toLowerCase();for(const li of l.children)li.hidden=!li.textContent.toLowerCase().includes(q)})}
for(const f of document.querySelectorAll('form')){const r=f.querySelectorAll('input[name=mode]');if(!r.length)continue;
const sync=()=>{const v=f.querySelector('input[name=mode]:checked')?.value;for(const d of f.querySelectorAll('[data-mode]'))d.hidden=d.dataset.mode!==v};
r.forEach((x)=>x.addEventListener('change',sync));sync()}
document.getElementById('form-errors')?.scrollIntoView();document.querySelector('[aria-invalid=true]')?.focus()`;
