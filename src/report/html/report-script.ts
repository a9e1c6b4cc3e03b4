/**
 * The report page's only script, inlined. It opens one cell's details when its grid button (or a
 * "needs attention" link) is clicked, and remembers the open cell in the URL hash (#cell=<id>; a link to
 * the card's own id, #detail-<id>, opens it too). It unpacks a cell's full evidence (gzip + base64 in the
 * page) with DecompressionStream when asked, building the list with textContent only. Without the script
 * every cell's details show one after another, so the page still works with scripts off.
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
  function unpack(base64) {
    var binary = atob(base64.replace(/\\s+/g, ''));
    var bytes = new Uint8Array(binary.length);
    for (var b = 0; b < binary.length; b++) bytes[b] = binary.charCodeAt(b);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text().then(JSON.parse);
  }
  function block(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }
  function folded(summary, content, className) {
    var details = block('details', className);
    details.appendChild(block('summary', '', summary));
    details.appendChild(block('pre', 'archive-text', content));
    return details;
  }
  function exchangeSummary(exchange) {
    var request = exchange.request || {};
    var outcome = exchange.response ? String(exchange.response.status) : 'no response' + (exchange.error ? ': ' + exchange.error : '');
    var scenario = exchange.scenario ? ' (' + exchange.scenario.id + ')' : '';
    return '[' + exchange.link + '] ' + request.method + ' ' + request.url + ' \u2192 ' + outcome + scenario;
  }
  function loadEvidence(button) {
    var id = button.getAttribute('data-load-evidence');
    var source = document.getElementById(id);
    var out = document.querySelector('[data-evidence-out="' + id + '"]');
    if (!source || !out || button.disabled) return;
    button.disabled = true;
    button.textContent = 'Unpacking\u2026';
    unpack(source.textContent).then(function (archive) {
      out.textContent = '';
      var exchanges = archive.exchanges || [];
      out.appendChild(block('h4', '', 'Every recorded exchange (' + exchanges.length + ')'));
      for (var e = 0; e < exchanges.length; e++) out.appendChild(folded(exchangeSummary(exchanges[e]), JSON.stringify(exchanges[e], null, 2), 'exchange archive-exchange'));
      var names = Object.keys(archive.logs || {});
      out.appendChild(block('h4', '', 'Full logs (' + names.length + ')'));
      for (var l = 0; l < names.length; l++) out.appendChild(folded(names[l].replace(/^log:/, '') + ' log', archive.logs[names[l]], 'log archive-log'));
      if (archive.missing && archive.missing.length) out.appendChild(block('p', 'marker', 'Not found when the report was rendered: ' + archive.missing.join(', ')));
      button.textContent = 'Every exchange and log of this cell is shown below';
    }, function (error) {
      button.disabled = false;
      button.textContent = 'Could not unpack the evidence (' + error + '); the files are linked under Artifacts';
    });
  }
  var loaders = document.querySelectorAll('[data-load-evidence]');
  for (var q = 0; q < loaders.length; q++) {
    loaders[q].addEventListener('click', function (event) { loadEvidence(event.currentTarget); });
  }
  for (var k = 0; k < openers.length; k++) {
    openers[k].addEventListener('click', function (event) {
      show(event.currentTarget.getAttribute('data-open-cell'), true);
    });
  }
  function fromHash() {
    var match = /^#cell=(.+)$/.exec(location.hash);
    if (match) return show(decodeURIComponent(match[1]), false);
    if (/^#detail-/.test(location.hash)) {
      var card = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (card && card.getAttribute('data-cell')) show(card.getAttribute('data-cell'), false);
    }
  }
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
`;
