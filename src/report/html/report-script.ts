/**
 * The report page's only script, inlined. It opens one cell's details when its grid button (or a
 * "needs attention" link) is clicked, and remembers the open cell in the URL hash. Without it every
 * cell's details show one after another, so the page still works with scripts off.
 */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');
  var openers = document.querySelectorAll('[data-open-cell]');
  function show(id, remember) {
    var details = document.querySelectorAll('article.cell-detail');
    var target = null;
    for (var n = 0; n < details.length; n++) if (details[n].getAttribute('data-cell') === id) target = details[n];
    if (!target) return;
    for (var i = 0; i < details.length; i++) details[i].classList.toggle('open', details[i] === target);
    var cells = document.querySelectorAll('button.cell');
    for (var j = 0; j < cells.length; j++) cells[j].setAttribute('aria-expanded', String(cells[j].getAttribute('data-open-cell') === id));
    root.classList.add('has-open');
    if (remember) {
      try { history.replaceState(null, '', '#cell=' + encodeURIComponent(id)); } catch (e) { /* file:// may refuse */ }
    }
    target.scrollIntoView({ block: 'start' });
  }
  for (var k = 0; k < openers.length; k++) {
    openers[k].addEventListener('click', function (event) {
      show(event.currentTarget.getAttribute('data-open-cell'), true);
    });
  }
  var match = /^#cell=(.+)$/.exec(location.hash);
  if (match) show(decodeURIComponent(match[1]), false);
})();
`;
