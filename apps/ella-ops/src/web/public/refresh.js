/* global document, window, DOMParser */
// The overview refreshes itself every 30 seconds: its table is fetched again and swapped in, so focus
// and scrolling stay where they are. A button pauses it (WCAG 2.2.1); without JavaScript the page
// offers a link that refreshes it with <meta http-equiv="refresh"> instead.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var region = document.getElementById('overview');
  if (!region) return;
  var seconds = Number(region.getAttribute('data-refresh-seconds')) || 30;
  var paused = window.sessionStorage.getItem('ella-ops-refresh') === 'paused';
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
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('overview');
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
    window.sessionStorage.setItem('ella-ops-refresh', paused ? 'paused' : 'on');
    label();
    schedule();
  });
  label();
  schedule();
})();
