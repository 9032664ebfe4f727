/* global document, window, HTMLFormElement */
// An action form is sent once: a second submit of the same form (a double click, Enter pressed twice)
// is dropped while the first is on its way, so one click posts one broadcast or one backup. The
// server still decides; without JavaScript every submit is sent.
(function () {
  'use strict';
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    if (form.getAttribute('data-sent') === 'yes') {
      event.preventDefault();
      return;
    }
    form.setAttribute('data-sent', 'yes');
    form.setAttribute('aria-busy', 'true');
  });
  // Back from the browser's cache (history), the form may be sent again.
  window.addEventListener('pageshow', function () {
    var sent = document.querySelectorAll('form[data-sent]');
    for (var i = 0; i < sent.length; i += 1) {
      sent[i].removeAttribute('data-sent');
      sent[i].removeAttribute('aria-busy');
    }
  });
})();
