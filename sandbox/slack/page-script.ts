/**
 * The sandbox page's only script: polls /sandbox/state.json every second and, when the workspace changed, swaps in
 * server-rendered fragments (so escaping lives in one place, on the server). Also sends clicks, reactions and
 * messages as the person picked in "acting as". Plain ES2017, no template literals, so it can sit in this string.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var messages = $('messages'), select = $('acting-as'), form = $('composer'), input = $('composer-text');
  var state = { channel: document.body.dataset.channel, version: Number(document.body.dataset.version), rendered: null,
    replyTo: null, closed: {} };
  var saved = localStorage.getItem('lookout-sandbox-as');
  var known = Array.prototype.some.call(select.options, function (o) { return o.value === saved; });
  if (saved && known) select.value = saved;

  var toastTimer;
  function toast(text, isError) {
    var t = $('toast');
    t.textContent = text;
    t.className = 'show' + (isError ? ' error' : '');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.className = ''; }, 3500);
  }
  function post(path, data) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) })
      .then(function (r) { return r.json(); });
  }
  function report(what, res) {
    if (res.ok) toast(what + ': sent to the app, which answered HTTP ' + res.status);
    else toast(what + ': ' + res.error, true);
  }
  function fail(what) { return function (err) { toast(what + ': ' + err, true); }; }

  function fromHash() {
    var h = decodeURIComponent(location.hash.slice(1));
    if (!h) return null;
    var i = h.indexOf('-');
    return i < 0 ? { channel: h } : { channel: h.slice(0, i), ts: h.slice(i + 1) };
  }

  function render(view, targetTs) {
    var nearBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
    var keep = messages.scrollTop;
    var switched = state.rendered !== state.channel;
    $('sidebar').innerHTML = view.sidebar;
    $('ch-header').innerHTML = view.header;
    messages.innerHTML = view.messages;
    document.querySelectorAll('details.thread').forEach(function (d) {
      if (state.closed[d.dataset.thread]) d.open = false;
    });
    state.version = view.version;
    state.rendered = state.channel;
    var target = targetTs && document.getElementById(state.channel + '-' + targetTs);
    if (target) {
      target.scrollIntoView({ block: 'center' });
      target.classList.add('highlight');
    } else {
      messages.scrollTop = nearBottom || switched ? messages.scrollHeight : keep;
    }
  }
  function refresh(targetTs) {
    var q = '?channel=' + encodeURIComponent(state.channel) + '&as=' + encodeURIComponent(select.value);
    return fetch('/sandbox/view' + q)
      .then(function (r) { return r.json(); })
      .then(function (v) { render(v, targetTs); });
  }
  function poll() {
    fetch('/sandbox/state.json')
      .then(function (r) { return r.json(); })
      .then(function (s) { if (s.version !== state.version) return refresh(); })
      .catch(function () {})
      .then(function () { setTimeout(poll, 1000); });
  }
  function setReply(ts) {
    state.replyTo = ts;
    $('replying').hidden = !ts;
    if (ts) input.focus();
  }
  function openFromHash() {
    var target = fromHash();
    if (target) state.channel = target.channel;
    setReply(null);
    return refresh(target && target.ts);
  }

  document.addEventListener('click', function (e) {
    var el = e.target.closest ? e.target : e.target.parentElement;
    var button = el.closest('[data-action-id]');
    if (button) {
      var label = 'Clicked "' + button.textContent.trim() + '"';
      button.disabled = true;
      var d = button.dataset;
      post('/sandbox/click', { channel: d.channel, ts: d.ts, actionId: d.actionId, userId: select.value })
        .then(function (res) { report(label, res); }, fail(label))
        .then(function () { button.disabled = false; });
      return;
    }
    var control = el.closest('[data-control]');
    if (control) {
      var name = control.textContent.trim();
      control.disabled = true;
      post('/sandbox/control', { id: control.dataset.control })
        .then(function (res) { toast(name + ': ' + (res.ok ? res.result : res.error), !res.ok); }, fail(name))
        .then(function () { control.disabled = false; return refresh(); });
      return;
    }
    var react = el.closest('[data-react]');
    if (react) {
      var picker = react.closest('details');
      if (picker) picker.open = false;
      var remove = react.dataset.mine === '1';
      var what = (remove ? 'Removed :' : 'Reacted :') + react.dataset.react + ':';
      post('/sandbox/react', { channel: react.dataset.channel, ts: react.dataset.ts, name: react.dataset.react,
        userId: select.value, remove: remove })
        .then(function (res) { report(what, res); return refresh(); }, fail(what));
      return;
    }
    var reply = el.closest('[data-reply]');
    if (reply) return setReply(reply.dataset.reply);
    if (el.id === 'cancel-reply') setReply(null);
  });
  document.addEventListener('toggle', function (e) {
    if (e.target.matches && e.target.matches('details.thread')) state.closed[e.target.dataset.thread] = !e.target.open;
  }, true);
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    var threadTs = state.replyTo || undefined;
    post('/sandbox/post', { channel: state.channel, text: text, userId: select.value, threadTs: threadTs })
      .then(function (res) {
        if (res.ts) input.value = '';
        report('Message', res);
        return refresh();
      }, fail('Message'));
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  select.addEventListener('change', function () {
    localStorage.setItem('lookout-sandbox-as', select.value);
    refresh();
  });
  window.addEventListener('hashchange', openFromHash);
  openFromHash().catch(function () {}).then(poll);
})();
`;
