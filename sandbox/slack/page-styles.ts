/** The sandbox page's look: close enough to Slack that a newcomer knows where they are. */
export const STYLES = `
* { box-sizing:border-box; }
body {
  margin:0; height:100vh; display:flex; flex-direction:column;
  font:15px/1.46 -apple-system,BlinkMacSystemFont,"Segoe UI",Lato,Roboto,Helvetica,Arial,sans-serif; color:#1d1c1d;
  background:#fff;
}
a { color:#1264a3; text-decoration:none; }
a:hover { text-decoration:underline; }
.banner {
  background:#fff4d6; color:#5c4400; border-bottom:1px solid #f2d98c; padding:7px 16px; font-weight:600;
  text-align:center;
}
.topbar {
  background:#350d36; color:#fff; display:flex; align-items:center; gap:16px; padding:6px 16px; font-size:13px;
}
.topbar .brand { font-weight:700; font-size:14px; }
.topbar .spacer { flex:1; }
.control {
  background:#fff; color:#350d36; border:0; border-radius:4px; padding:3px 10px; font:inherit; font-weight:700;
  cursor:pointer;
}
.control:hover { background:#f4ede4; }
.control:disabled { opacity:.6; cursor:wait; }
.topbar select {
  background:#4a154b; color:#fff; border:1px solid #7c3085; border-radius:4px; padding:3px 6px; font:inherit;
}
.app { flex:1; display:flex; min-height:0; }
.sidebar { width:250px; background:#3f0e40; color:#cfc3cf; overflow-y:auto; padding-bottom:16px; flex-shrink:0; }
.side-team { color:#fff; font-weight:800; font-size:17px; padding:14px 16px; border-bottom:1px solid #522653; }
.side-section { padding:14px 16px 4px; font-size:13px; font-weight:600; color:#bcabbc; }
.side-item { display:flex; align-items:center; gap:8px; padding:3px 16px; color:#cfc3cf; font-size:15px; }
.side-item:hover { background:#350d36; text-decoration:none; }
.side-item.active { background:#1164a3; color:#fff; }
.side-item .icon { width:14px; text-align:center; opacity:.8; }
.side-item .count { margin-left:auto; font-size:11px; opacity:.7; }
.side-empty { padding:3px 16px; font-size:13px; opacity:.6; }
.main { flex:1; display:flex; flex-direction:column; min-width:0; }
.ch-header { border-bottom:1px solid #e2e2e2; padding:10px 20px; display:flex; align-items:baseline; gap:12px; }
.ch-title { font-weight:800; font-size:18px; }
.ch-meta { color:#616061; font-size:13px; }
.warn { color:#b35c00; }
.messages { flex:1; overflow-y:auto; padding:8px 0 16px; display:flex; flex-direction:column; }
.messages>:first-child { margin-top:auto; }
.empty { color:#616061; padding:40px 20px; text-align:center; }
.msg { display:flex; gap:10px; padding:8px 20px; }
.msg:hover { background:#f8f8f8; }
.msg.ephemeral { background:#f4f9ff; }
.msg.highlight { background:#fff8e1; transition:background 1s; }
.avatar {
  width:36px; height:36px; border-radius:6px; color:#fff; font-weight:700; display:flex; align-items:center;
  justify-content:center; flex-shrink:0;
}
.msg-body { flex:1; min-width:0; }
.meta { display:flex; align-items:baseline; gap:6px; }
.author { font-weight:800; }
.meta time,.edited,.muted { color:#616061; font-size:12px; }
.app-badge { background:#e8e8e8; color:#616061; font-size:10px; font-weight:700; padding:1px 4px; border-radius:3px; }
.ephemeral-note { color:#616061; font-size:12px; font-style:italic; }
.text,.blk-section { word-wrap:break-word; }
code {
  font:12px Menlo,Consolas,monospace; background:#f6f6f6; border:1px solid #e2e2e2; color:#c01343; padding:1px 3px;
  border-radius:3px;
}
pre {
  font:12px/1.5 Menlo,Consolas,monospace; background:#f8f8f8; border:1px solid #e2e2e2; border-radius:4px;
  padding:8px; white-space:pre-wrap; margin:4px 0;
}
blockquote { border-left:4px solid #ddd; margin:2px 0; padding-left:10px; color:#454245; }
.mention { background:#e8f5fa; color:#1264a3; border-radius:3px; padding:0 2px; }
.blocks>* { margin:4px 0; }
.blk-section { display:flex; gap:12px; }
.blk-main { flex:1; }
.blk-fields { display:grid; grid-template-columns:1fr 1fr; gap:4px 16px; margin-top:4px; }
.blk-header { font-weight:800; font-size:18px; margin-top:6px; }
.blk-context { display:flex; align-items:center; gap:6px; color:#616061; font-size:12px; }
.blk-thumb { width:16px; height:16px; border-radius:3px; }
.blk-accessory .blk-thumb { width:72px; height:72px; border-radius:6px; }
.blk-divider { border:0; border-top:1px solid #e2e2e2; margin:10px 0; }
.blk-actions { display:flex; flex-wrap:wrap; gap:8px; }
.blk-image { margin:6px 0; }
.blk-img { max-width:360px; max-height:300px; border-radius:6px; border:1px solid #e2e2e2; }
.blk-inert,.img-missing {
  display:inline-block; color:#616061; font-size:13px; border:1px dashed #ccc; border-radius:4px; padding:2px 8px;
}
.btn {
  font:inherit; font-size:14px; font-weight:700; padding:4px 12px; border-radius:4px; border:1px solid #c4c4c4;
  background:#fff; color:#1d1c1d; cursor:pointer;
}
.btn:hover { background:#f6f6f6; }
.btn-primary { background:#007a5a; border-color:#007a5a; color:#fff; }
.btn-primary:hover { background:#148567; }
.btn-danger { background:#fff; border-color:#e01e5a; color:#e01e5a; }
.btn-danger:hover { background:#fdf0f4; }
.btn:disabled { opacity:.5; cursor:wait; }
.att-pretext { margin-top:4px; }
.att { border-left:4px solid #ddd; border-radius:2px; padding:4px 12px; margin:6px 0; }
.att-author { font-size:13px; font-weight:700; }
.att-title { font-weight:700; }
.att-footer { color:#616061; font-size:12px; margin-top:4px; }
.att-fields { display:flex; flex-wrap:wrap; gap:6px 0; margin-top:4px; }
.att-field { width:100%; }
.att-field.short { width:50%; }
.files { display:flex; flex-wrap:wrap; gap:8px; margin-top:6px; }
.file-img { display:flex; flex-direction:column; color:#616061; font-size:12px; }
.file-img img { max-width:360px; max-height:280px; border-radius:6px; border:1px solid #e2e2e2; }
.file-chip { border:1px solid #e2e2e2; border-radius:6px; padding:8px 12px; }
.reactions { display:flex; flex-wrap:wrap; align-items:center; gap:4px; margin-top:4px; }
.chip {
  font:inherit; font-size:12px; background:#f2f2f2; border:1px solid transparent; border-radius:12px; padding:1px 8px;
  cursor:pointer;
}
.chip.mine { background:#e8f5fa; border-color:#1d9bd1; }
.chip span { font-weight:600; color:#1264a3; }
.msg { position:relative; }
.msg-tools {
  position:absolute; top:-12px; right:20px; display:none; gap:2px; background:#fff; border:1px solid #ddd;
  border-radius:6px; padding:2px; box-shadow:0 1px 3px rgba(0,0,0,.08); z-index:4;
}
.msg:hover:not(:has(.msg:hover))>.msg-tools,.msg-tools:has(details[open]) { display:flex; }
.tool {
  list-style:none; cursor:pointer; font:inherit; font-size:14px; background:none; border:0; border-radius:4px;
  padding:2px 7px; color:#616061;
}
.tool:hover { background:#f2f2f2; }
.tool::-webkit-details-marker { display:none; }
.picker { position:relative; }
.picker-menu {
  position:absolute; z-index:5; top:30px; right:0; background:#fff; border:1px solid #ddd; border-radius:8px;
  box-shadow:0 4px 12px rgba(0,0,0,.12); padding:4px; display:flex; gap:2px;
}
.picker-menu button { font-size:18px; background:none; border:0; border-radius:4px; cursor:pointer; padding:2px 4px; }
.picker-menu button:hover { background:#f2f2f2; }
.link { background:none; border:0; color:#1264a3; cursor:pointer; font:inherit; font-size:12px; padding:0; }
.thread { margin-top:4px; }
.thread summary { cursor:pointer; font-size:13px; font-weight:700; color:#1264a3; }
.replies { border-left:2px solid #e2e2e2; margin:4px 0 0 2px; }
.replies .msg { padding:6px 12px; }
.replies .avatar { width:28px; height:28px; font-size:13px; }
.composer {
  border:1px solid #c4c4c4; border-radius:8px; margin:0 20px 16px; padding:6px 8px; display:flex;
  flex-direction:column; gap:4px;
}
.composer textarea { border:0; resize:none; font:inherit; outline:none; min-height:40px; }
.composer .row { display:flex; align-items:center; gap:8px; font-size:12px; color:#616061; }
.composer .row .spacer { flex:1; }
.composer button[type=submit] {
  background:#007a5a; color:#fff; border:0; border-radius:4px; padding:4px 14px; font-weight:700; cursor:pointer;
}
.replying { background:#f4f9ff; border-radius:4px; padding:2px 6px; }
#toast {
  position:fixed; right:16px; top:84px; max-width:420px; background:#1d1c1d; color:#fff; padding:8px 14px;
  border-radius:6px; font-size:13px; opacity:0; transition:opacity .2s; pointer-events:none;
}
#toast.show { opacity:.95; }
#toast.error { background:#b0103a; }
`;
