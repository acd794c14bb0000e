// autosave.js saves a member's review form as a draft in the background
// when typing pauses, and says so beside the buttons. It is an extra: the
// form works without it, through its "Save as a draft" button, and the
// server answers these background saves (marked X-Autosave) with JSON.
(function () {
  'use strict';
  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) {
    return;
  }
  var status = document.getElementById('autosave-status');
  var pause = 2000;
  var timer = null;
  var saving = false;
  var again = false;
  var last = snapshot();

  function snapshot() {
    return new URLSearchParams(new FormData(form)).toString();
  }

  // say shows a message: its parts, each marked with its language, one
  // a line (a link that names nobody is answered in Welsh then English),
  // or else its text. The page gives the words of its own messages, from
  // the catalogue, in data-autosave-* attributes.
  function say(text, parts) {
    if (!status) {
      return;
    }
    status.textContent = '';
    if (!parts || !parts.length) {
      status.textContent = text;
      return;
    }
    parts.forEach(function (part, i) {
      if (i) {
        status.appendChild(document.createElement('br'));
      }
      var span = document.createElement('span');
      span.lang = part.lang;
      span.textContent = part.text;
      status.appendChild(span);
    });
  }

  function save() {
    timer = null;
    var body = snapshot();
    if (body === last) {
      return;
    }
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    var params = new URLSearchParams(body);
    params.set('submit', 'draft');
    fetch(form.action, {method: 'POST', body: params, credentials: 'same-origin', headers: {'X-Autosave': '1'}})
      .then(function (r) {
        return r.json().then(function (j) { return {ok: r.ok, j: j}; }, function () { return {ok: false, j: {}}; });
      })
      .then(function (res) {
        if (res.ok && res.j.saved) {
          last = body;
        }
        say(res.j.message || form.getAttribute('data-autosave-unsaved'), res.j.parts);
      }, function () {
        say(form.getAttribute('data-autosave-offline'));
      })
      .then(function () {
        saving = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(save, pause);
  }

  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
}());
