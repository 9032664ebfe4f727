/* global document, URLSearchParams */
// Buy storage, enhanced: the price follows the product, size and term as they change (the server
// prices it: GET /buy/price), and a purchase order file that is not a PDF or too large is named at
// once. Without this script the form works the same: "Update price" asks the server, and the server
// checks every file.
(function () {
  'use strict';
  var form = document.getElementById('buy-form') || document.getElementById('change-form');
  if (!form) return;
  var output = document.getElementById('price');
  var explanation = document.getElementById('price-explanation');
  var size = document.getElementById('sizeTb');
  var years = document.getElementById('years');
  var file = document.getElementById('poFile');
  var pending = 0;

  function chosenProduct() {
    var checked = form.querySelector('input[name="productCode"]:checked');
    return checked ? checked.value : '';
  }

  function updatePrice() {
    var product = chosenProduct();
    if (!product || !output || !size || !years) return;
    var ticket = ++pending;
    var query = new URLSearchParams({ productCode: product, sizeTb: size.value, years: years.value });
    fetch(form.getAttribute('data-price-url') + '?' + query.toString(), {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    })
      .then(function (r) {
        return r.json();
      })
      .then(function (body) {
        if (ticket !== pending) return;
        if (body.amount) {
          output.textContent = body.amount;
          explanation.textContent = body.explanation;
        } else if (body.problems) {
          output.textContent = '—';
          explanation.textContent = Object.keys(body.problems)
            .map(function (k) {
              return body.problems[k];
            })
            .join('; ');
        }
      })
      .catch(function () {
        /* the server prices the order anyway */
      });
  }

  function checkFile() {
    if (!file || !file.files || file.files.length === 0) {
      file && file.setCustomValidity('');
      return;
    }
    var chosen = file.files[0];
    var max = Number(form.getAttribute('data-max-bytes'));
    var problem = '';
    if (chosen.type && chosen.type !== 'application/pdf') problem = 'The purchase order must be a PDF file';
    else if (max && chosen.size > max) problem = 'The file must be at most ' + Math.floor(max / 1024) + ' KB';
    file.setCustomValidity(problem);
    var id = 'poFile-client-error';
    var shown = document.getElementById(id);
    if (problem) {
      if (!shown) {
        shown = document.createElement('p');
        shown.id = id;
        shown.className = 'field-error';
        shown.setAttribute('role', 'alert');
        file.parentNode.insertBefore(shown, file);
      }
      shown.textContent = problem;
      file.setAttribute('aria-describedby', id);
      file.setAttribute('aria-invalid', 'true');
    } else if (shown) {
      shown.remove();
      file.removeAttribute('aria-invalid');
    }
  }

  form.addEventListener('change', function (event) {
    if (event.target === file) checkFile();
    else updatePrice();
  });
  if (size) size.addEventListener('input', updatePrice);
  form.addEventListener('submit', function (event) {
    var submitter = event.submitter;
    if (
      submitter &&
      submitter.value === 'order' &&
      file &&
      file.validationMessage &&
      form.querySelector('input[name="paymentMethod"]:checked') &&
      form.querySelector('input[name="paymentMethod"]:checked').value === 'purchase_order'
    ) {
      event.preventDefault();
      file.focus();
    }
  });
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
})();
