/* global document, window, DOMParser */
// The overview refreshes itself every 30 seconds: its table is fetched again and swapped in, so focus
// and scrolling stay where they are. A button pauses it (WCAG 2.2.1); without JavaScript the page
// offers a link that refreshes it with <meta http-equiv="refresh"> instead. A release page waiting
// for its backup (a region marked data-refresh-until-gone) is fetched the same way, and loaded again
// whole once the fresh page no longer has the region (the backup has ended: its forms are back).
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var region = document.querySelector('[data-refresh-seconds]');
  if (!region) return;
  var untilGone = region.hasAttribute('data-refresh-until-gone');
  var storageKey = region.id === 'overview' ? 'ella-ops-refresh' : 'ella-ops-refresh-' + region.id;
  var seconds = Number(region.getAttribute('data-refresh-seconds')) || 30;
  var paused = window.sessionStorage.getItem(storageKey) === 'paused';
  var timer = null;
  var controls = region.querySelector('.refresh-controls');
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  button.id = 'refresh-toggle';
  controls.appendChild(button);

  function status(text) {
    var el = document.getElementById('refresh-status');
    if (el) el.textContent = text;
  }

  function label() {
    button.textContent = paused ? 'Resume refreshing' : 'Pause refreshing';
    status(paused ? ' Refreshing paused.' : ' Refreshes every ' + seconds + ' seconds.');
  }

  function schedule() {
    window.clearTimeout(timer);
    if (!paused) timer = window.setTimeout(refresh, seconds * 1000);
  }

  function refresh() {
    fetch(window.location.pathname, { credentials: 'same-origin', redirect: 'error' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (html) {
        // Paused while the request was on its way: what came back is not shown.
        if (paused) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        if (untilGone) {
          if (!doc.getElementById(region.id)) {
            window.location.replace(window.location.pathname);
            return;
          }
          label();
          return;
        }
        var fresh = doc.getElementById('overview');
        var table = region.querySelector('.table-scroll');
        var freshTable = fresh && fresh.querySelector('.table-scroll');
        var at = fresh && fresh.querySelector('#overview-at');
        if (table && freshTable) table.replaceWith(freshTable);
        if (at) document.getElementById('overview-at').textContent = at.textContent;
        label();
      })
      .catch(function () {
        status(' Could not refresh (signed out, or the app did not answer): reload the page.');
      })
      .then(schedule);
  }

  button.addEventListener('click', function () {
    paused = !paused;
    window.sessionStorage.setItem(storageKey, paused ? 'paused' : 'on');
    label();
    schedule();
  });
  label();
  schedule();
})();
