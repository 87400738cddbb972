// The HTML report's page script, as text (reporters/html.ts inlines it). Plain ES2017 with no
// template literals, so it can sit in this string. It builds every element from the embedded data
// with textContent, so no record text is ever parsed as HTML.
//
// The view lives in the URL's fragment (#runtime=node&level=required&status=FAIL&anchor=...&q=...
// &cause=...&compare=node..workerd&open=<runtime>|<file>|<test>): every change rewrites it, and a
// link, a reload or the back button restores the same view. Keys no one sets stay out of the URL.

export const PAGE_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('data').textContent);
  var results = data.results, records = results.results;
  var runtimes = results.runtimes.map(function (r) { return r.id; });
  var notes = data.notes, causeOf = data.causeOf, catalogue = data.catalogue;
  var STATE_KEYS = ['runtime', 'level', 'tier', 'status', 'anchor', 'q', 'cause', 'compare', 'open'];
  var state = {};

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function uniq(xs) { return xs.filter(function (x, i) { return xs.indexOf(x) === i; }); }
  function inOrder(values, preferred) {
    var first = preferred.filter(function (v) { return values.indexOf(v) >= 0; });
    return first.concat(values.filter(function (v) { return first.indexOf(v) < 0; }).sort());
  }
  function keyOf(r) { return r.runtime + '|' + r.file + '|' + r.test; }
  function draftLink(anchor) { return el('a', { href: data.draftUrl + anchor, text: anchor }); }
  // A subtest that reproduces a reported bug links to the report (the regression tier).
  function upstreamLinks(r) { return (r.upstream || []).map(function (u) { return el('span', {}, [' ', el('a', { href: u.url, class: 'upstream', text: u.repository + '#' + u.number })]); }); }
  function viewLink(params, text) { return el('a', { href: '#' + new URLSearchParams(params).toString(), text: text }); }

  // ---- state <-> URL ----
  function readState() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ''));
    state = {};
    STATE_KEYS.forEach(function (k) { var v = p.get(k); if (v) state[k] = v; });
  }
  function writeState() {
    var p = new URLSearchParams();
    STATE_KEYS.forEach(function (k) { if (state[k]) p.set(k, state[k]); });
    var hash = p.toString();
    history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
  }
  function set(key, value) {
    if (value) state[key] = value; else delete state[key];
    writeState();
    render();
  }

  // ---- filters ----
  var anchors = inOrder(uniq(records.reduce(function (acc, r) { return acc.concat(r.anchors); }, [])), data.anchorOrder);
  var tierRows = uniq(records.filter(function (r) { return r.tier && r.tier !== 'spec' && r.level !== 'tentative'; }).map(function (r) { return r.tier + ' tier'; })).sort();
  if (records.some(function (r) { return r.level === 'tentative'; })) tierRows.push(data.tentativeRow);
  var levels = inOrder(uniq(records.map(function (r) { return r.level; })), data.levelOrder);
  var statuses = inOrder(uniq(records.map(function (r) { return r.status; })), data.statusOrder);
  var filters = document.getElementById('filters');
  var selects = {};
  function select(key, label, values) {
    var s = el('select', { id: 'filter-' + key }, [el('option', { value: '', text: 'all' })].concat(values.map(function (v) { return el('option', { value: v, text: v }); })));
    filters.appendChild(el('label', {}, [label + ' ', s]));
    s.addEventListener('change', function () { set(key, s.value); });
    selects[key] = s;
  }
  select('runtime', 'runtime', runtimes);
  select('level', 'level', levels);
  select('status', 'status', statuses);
  select('anchor', 'section', anchors);
  var tiers = uniq(records.map(function (r) { return r.tier || 'spec'; })).sort();
  if (tiers.length > 1) select('tier', 'tier', tiers);
  var search = el('input', { id: 'search', type: 'search', placeholder: 'search subtests, messages, reasons ( / )', 'aria-label': 'search', size: '40' });
  filters.appendChild(el('label', {}, ['search ', search]));
  // Each keystroke would redraw every row; the view follows once typing pauses.
  var typing;
  search.addEventListener('input', function () { clearTimeout(typing); typing = setTimeout(function () { set('q', search.value.trim()); }, 150); });
  search.addEventListener('keydown', function (e) { if (e.key === 'Enter') { clearTimeout(typing); set('q', search.value.trim()); } });
  var causeNote = el('span', { id: 'cause-filter' });
  filters.appendChild(causeNote);

  function haystack(r) {
    var n = notes[keyOf(r)];
    return [r.runtime, r.file, r.test, r.status, r.level, r.tier || '', r.message || '', n ? n.reason : '', r.anchors.join(' '), (r.requirements || []).join(' ')].join('\n').toLowerCase();
  }
  var haystacks = records.map(haystack);
  function selected() {
    var q = (state.q || '').toLowerCase();
    return records.filter(function (r, i) {
      return (!state.runtime || r.runtime === state.runtime) && (!state.level || r.level === state.level) &&
        (!state.status || r.status === state.status) && (!state.anchor || r.anchors.indexOf(state.anchor) >= 0) &&
        (!state.tier || (r.tier || 'spec') === state.tier) &&
        (!state.cause || causeOf[i] === state.cause) && (!q || haystacks[i].indexOf(q) >= 0);
    });
  }

  // ---- matrix ----
  function grade(c) { return !c || c.total === 0 ? 'none' : c.passed === c.total ? 'good' : c.passed === 0 ? 'bad' : 'partial'; }
  function cell(c, attrs, params) {
    var text = !c || c.total === 0 ? '-' : c.passed + '/' + c.total;
    var td = el('td', Object.assign({ class: 'cell ' + grade(c) }, attrs), [params && c && c.total ? viewLink(params, text) : text]);
    return td;
  }
  function renderMatrix(rows) {
    var cols = state.runtime ? [state.runtime] : runtimes;
    var cells = {}, totals = {};
    cols.forEach(function (id) { totals[id] = { passed: 0, total: 0 }; });
    rows.forEach(function (r) {
      if (!totals[r.runtime]) return;
      // As in the terminal matrix: section rows count the spec tier only, other tiers get a row each,
      // and tentative subtests (open proposals) have a row of their own and count in no total.
      var tentative = r.level === 'tentative';
      if (!tentative) { totals[r.runtime].total++; if (r.status === 'PASS') totals[r.runtime].passed++; }
      var keys = tentative ? [data.tentativeRow] : r.tier && r.tier !== 'spec' ? [r.tier + ' tier'] : r.anchors;
      keys.forEach(function (a) {
        if (state.anchor && keys === r.anchors && a !== state.anchor) return;
        var key = a + '\u0000' + r.runtime;
        var c = cells[key] || (cells[key] = { passed: 0, total: 0 });
        c.total++; if (r.status === 'PASS') c.passed++;
      });
    });
    var matrix = document.getElementById('matrix');
    matrix.textContent = '';
    matrix.appendChild(el('tr', {}, [el('th', { text: 'section' })].concat(cols.map(function (id) { return el('th', { text: id }); }))));
    anchors.concat(tierRows).forEach(function (a) {
      if (!cols.some(function (id) { return cells[a + '\u0000' + id]; })) return;
      matrix.appendChild(el('tr', { 'data-anchor': a }, [el('th', {}, [a.charAt(0) === '#' ? draftLink(a) : a])].concat(cols.map(function (id) {
        var params = { runtime: id };
        if (a.charAt(0) === '#') params.anchor = a; else if (a === data.tentativeRow) params.level = 'tentative'; else params.tier = a.replace(/ tier$/, '');
        return cell(cells[a + '\u0000' + id], { 'data-runtime': id }, params);
      }))));
    });
    matrix.appendChild(el('tr', { class: 'total' }, [el('th', { text: 'all selected subtests' })].concat(cols.map(function (id) {
      return cell(totals[id], { 'data-runtime': id, 'data-total': String(totals[id].total), 'data-passed': String(totals[id].passed) });
    }))));
  }

  // ---- subtests ----
  function detail(r) {
    var n = notes[keyOf(r)];
    var box = el('div', { class: 'detail-box' });
    box.appendChild(el('p', {}, [el('strong', { text: r.status }), ' ' + r.runtime + ', ' + r.level + (r.tier && r.tier !== 'spec' ? ', ' + r.tier + ' tier' : '') + ', ' + r.durationMs + ' ms']));
    box.appendChild(r.message ? el('pre', { class: 'message', text: r.message }) : el('p', { class: 'muted', text: 'no message' }));
    box.appendChild(el('p', { class: 'expectation' }, n
      ? [el('strong', { text: 'expectation: ' }), n.expected + ': ' + n.reason]
      : [el('strong', { text: 'expectation: ' }), 'none (the subtest is expected to pass' + (r.level === 'informational' ? '; informational subtests are never judged' : '') + ')']));
    if ((r.upstream || []).length) {
      box.appendChild(el('p', {}, [el('strong', { text: 'reproduces: ' })]));
      box.appendChild(el('ul', { class: 'upstream-reports' }, r.upstream.map(function (u) {
        return el('li', {}, [el('a', { href: u.url, class: 'upstream', text: u.repository + '#' + u.number }), ': ' + u.title]);
      })));
    }
    var reqs = r.requirements || [];
    if (reqs.length) {
      box.appendChild(el('p', {}, [el('strong', { text: 'catalogue entries:' })]));
      box.appendChild(el('ul', { class: 'requirements' }, reqs.map(function (id) {
        var e = catalogue[id];
        return el('li', {}, e ? [el('code', { text: id }), ' (' + e.level + ', ', draftLink(e.anchor), '): ' + e.statement] : [el('code', { text: id })]);
      })));
    }
    var links = el('p', { class: 'links' }, [el('strong', { text: 'sections: ' })]);
    r.anchors.forEach(function (a, i) { if (i) links.appendChild(document.createTextNode(' ')); links.appendChild(draftLink(a)); });
    if (data.sourceUrl) {
      links.appendChild(document.createTextNode(' | '));
      links.appendChild(el('a', { class: 'source', href: data.sourceUrl.split('{file}').join(r.file).split('{path}').join('tests/' + r.file), text: 'source: tests/' + r.file }));
    }
    links.appendChild(document.createTextNode(' | '));
    links.appendChild(el('a', { class: 'permalink', href: '#' + new URLSearchParams({ open: keyOf(r) }).toString(), text: 'link to this subtest' }));
    box.appendChild(links);
    return box;
  }
  // A few thousand rows with buttons make every redraw slow: the first PAGE rows (and always the
  // opened one), and a button for the rest.
  var PAGE = 400, showAll = false;
  function renderSubtests(rows) {
    var list = document.getElementById('subtests');
    list.textContent = '';
    list.appendChild(el('tr', {}, ['runtime', 'file', 'subtest', 'level', 'sections', 'status'].map(function (h) { return el('th', { text: h }); })));
    var shown = showAll || rows.length <= PAGE ? rows : rows.filter(function (r, i) { return i < PAGE || keyOf(r) === state.open; });
    var more = document.getElementById('more');
    more.textContent = '';
    if (shown.length < rows.length) {
      var button = el('button', { type: 'button', id: 'show-all', text: 'show all ' + rows.length + ' subtests (' + (rows.length - shown.length) + ' more)' });
      button.addEventListener('click', function () { showAll = true; renderSubtests(selected()); });
      more.appendChild(button);
    }
    shown.forEach(function (r) {
      var key = keyOf(r), open = state.open === key;
      var button = el('button', { class: 'open', type: 'button', 'aria-expanded': String(open), text: r.test });
      button.addEventListener('click', function () { set('open', open ? '' : key); var again = findRow(key); if (again) again.querySelector('button.open').focus(); });
      var anchorsCell = el('td', {});
      r.anchors.forEach(function (a, i) { if (i) anchorsCell.appendChild(document.createTextNode(' ')); anchorsCell.appendChild(draftLink(a)); });
      list.appendChild(el('tr', { class: 'subtest' + (open ? ' opened' : ''), 'data-status': r.status, 'data-key': key }, [
        el('td', { text: r.runtime }), el('td', { text: r.file }), el('td', {}, [button].concat(upstreamLinks(r))), el('td', { text: r.level }), anchorsCell,
        el('td', { class: r.status, text: r.status }),
      ]));
      if (open) list.appendChild(el('tr', { class: 'detail', id: 'opened' }, [el('td', { colspan: '6' }, [detail(r)])]));
    });
  }
  function findRow(key) {
    var rows = document.querySelectorAll('#subtests tr.subtest');
    for (var i = 0; i < rows.length; i++) if (rows[i].getAttribute('data-key') === key) return rows[i];
    return null;
  }

  // ---- compare ----
  var cA = document.getElementById('compare-a'), cB = document.getElementById('compare-b');
  runtimes.forEach(function (id) { cA.appendChild(el('option', { value: id, text: id })); cB.appendChild(el('option', { value: id, text: id })); });
  function comparePair() {
    var pair = (state.compare || '').split('..');
    var a = runtimes.indexOf(pair[0]) >= 0 ? pair[0] : runtimes[0];
    var b = runtimes.indexOf(pair[1]) >= 0 ? pair[1] : runtimes[1] || runtimes[0];
    return [a, b];
  }
  function onCompare() { set('compare', cA.value + '..' + cB.value); }
  cA.addEventListener('change', onCompare); cB.addEventListener('change', onCompare);
  var comparedPair = null;
  function renderCompare() {
    var pair = comparePair();
    cA.value = pair[0]; cB.value = pair[1];
    // The compare view ignores the filters: redraw it only when the pair changes.
    if (comparedPair === pair.join('..')) return;
    comparedPair = pair.join('..');
    var table = document.getElementById('compare');
    table.textContent = '';
    table.appendChild(el('tr', {}, [el('th', { text: 'file' }), el('th', { text: 'subtest' }), el('th', { text: pair[0] }), el('th', { text: pair[1] })]));
    var byKey = {};
    records.forEach(function (r) {
      if (r.runtime !== pair[0] && r.runtime !== pair[1]) return;
      var k = r.file + '\u0000' + r.test;
      var x = byKey[k] = byKey[k] || { file: r.file, test: r.test };
      if (r.runtime === pair[0]) x.a = r;
      if (r.runtime === pair[1]) x.b = r;
    });
    var differing = 0;
    Object.keys(byKey).forEach(function (k) {
      var x = byKey[k];
      var sa = x.a ? x.a.status : 'not run', sb = x.b ? x.b.status : 'not run';
      var ma = x.a ? x.a.message || '' : '', mb = x.b ? x.b.message || '' : '';
      if (sa === sb && ma === mb) return;
      differing++;
      function side(r, status, message) {
        return el('td', {}, [r ? viewLink({ open: keyOf(r) }, status) : el('span', { text: status }), message ? el('pre', { text: message }) : null]);
      }
      table.appendChild(el('tr', { class: 'differs' }, [el('td', { text: x.file }), el('td', { text: x.test }), side(x.a, sa, ma), side(x.b, sb, mb)]));
    });
    document.getElementById('compare-count').textContent = runtimes.length < 2 ? 'only one runtime ran: nothing to compare' : differing + ' subtests differ in status or message';
  }

  function render() {
    Object.keys(selects).forEach(function (k) { selects[k].value = state[k] || ''; });
    if (document.activeElement !== search) search.value = state.q || '';
    causeNote.textContent = '';
    if (state.cause) {
      var label = data.causeLabels[state.cause] || state.cause;
      var clear = el('button', { type: 'button', id: 'clear-cause', text: 'show every cause' });
      clear.addEventListener('click', function () { set('cause', ''); });
      causeNote.appendChild(el('span', { text: 'cause: ' + label + ' ' }));
      causeNote.appendChild(clear);
    }
    var rows = selected();
    renderMatrix(rows);
    var count = document.getElementById('count');
    count.textContent = rows.length + ' subtests shown, ' + rows.filter(function (r) { return r.status === 'PASS'; }).length + ' passed';
    count.setAttribute('data-shown', String(rows.length));
    renderSubtests(rows);
    renderCompare();
  }

  // ---- keyboard ----
  document.addEventListener('keydown', function (e) {
    var typing = e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT' || e.target.tagName === 'TEXTAREA');
    if (e.key === '/' && !typing) { e.preventDefault(); search.focus(); search.select(); }
    else if (e.key === 'Escape' && typing && e.target === search && search.value) { set('q', ''); search.value = ''; }
    else if (e.key === 'Escape' && state.open) { var key = state.open; set('open', ''); var row = findRow(key); if (row) row.querySelector('button.open').focus(); }
  });

  window.addEventListener('hashchange', function () { readState(); render(); scrollToOpened(); });
  function scrollToOpened() { var d = document.getElementById('opened'); if (d && d.scrollIntoView) d.scrollIntoView({ block: 'center' }); }
  readState();
  render();
  scrollToOpened();
})();
`;
