// popm report: the postings table (virtualised: only the rows in view are in
// the page, so 100,000 rows scroll like 100), its sorting and filters, and the
// view of one posting. Past MAX_PX of rows (browsers cap an element's height
// near 17 million pixels) the scrollbar maps onto the rows proportionally. Every text from the data goes in through textContent or
// createTextNode, never as markup.
(function () {
  "use strict";
  var ROW_H = 28, EXTRA = 8, MAX_PX = 4000000;
  var data = JSON.parse(document.getElementById("popm-data").textContent);
  var labels = data.labels, rows = data.rows, details = data.details, phrases = data.phrases;
  var $ = function (id) { return document.getElementById(id); };
  var viewport = $("viewport"), sizer = $("sizer"), box = $("rows"), thead = $("thead");
  var labelSel = $("f-label"), search = $("f-text"), count = $("count"), detail = $("detail");
  var MARKS = { p: "", s: "own role", u: "job link", c: "colleague", n: "negated", b: "boilerplate" };
  var DISCOUNTED = { c: 1, n: 1, b: 1 };
  var LABEL_CLASS = ["po", "pm", "hy", "un", "ot", "er"];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmt(x, d) { return x === null || x === undefined ? "" : x.toFixed(d); }

  // Columns: what each shows, how it sorts.
  var cols = [{ name: "id", get: function (r) { return r[0]; }, w: "minmax(4rem,1fr)" }];
  data.columns.forEach(function (c, i) {
    cols.push({ name: c, get: function (r) { return r[1][i]; }, w: "minmax(6rem,3fr)" });
  });
  cols.push(
    { name: "label", get: function (r) { return labels[r[2]]; }, w: "10.5rem", label: true },
    { name: "confidence", get: function (r) { return r[3]; }, num: 3, w: "6.5rem" },
    { name: "lean", get: function (r) { return r[4]; }, num: 3, w: "5rem" },
    { name: "self_role", get: function (r) { return r[6] || ""; }, w: "10rem" },
    { name: "mismatch", get: function (r) { return r[7] ? "mismatch" : ""; }, w: "6rem" }
  );
  $("tablebox").style.setProperty("--cols", cols.map(function (c) { return c.w; }).join(" "));

  var order = [], sortCol = -1, sortDir = 1, selected = -1, hay = null;

  cols.forEach(function (c, k) {
    var h = el("div", c.num ? "num" : "", c.name);
    h.setAttribute("role", "columnheader");
    h.setAttribute("aria-sort", "none");
    h.dataset.col = k;
    thead.appendChild(h);
  });
  thead.addEventListener("click", function (ev) {
    var h = ev.target.closest("[data-col]");
    if (!h) return;
    var k = +h.dataset.col;
    sortDir = sortCol === k ? -sortDir : 1;
    sortCol = k;
    Array.prototype.forEach.call(thead.children, function (c, i) {
      c.setAttribute("aria-sort", i === k ? (sortDir > 0 ? "ascending" : "descending") : "none");
    });
    sortOrder();
    render();
  });

  var present = {};
  rows.forEach(function (r) { present[r[2]] = (present[r[2]] || 0) + 1; });
  labels.forEach(function (l, i) {
    if (!present[i]) return;
    var o = el("option", "", l + " (" + present[i] + ")");
    o.value = String(i);
    labelSel.appendChild(o);
  });

  // Search text per row: id, kept columns, label, self_role and its phrases.
  function haystack() {
    if (hay) return hay;
    hay = rows.map(function (r, i) {
      var parts = [r[0]].concat(r[1], [labels[r[2]], r[6] || "", r[10] || ""]);
      var d = details[i];
      if (d && d.e) d.e.forEach(function (e) { parts.push(phrases[e[0]][0]); });
      return parts.join("\u0001").toLowerCase();
    });
    return hay;
  }

  function compare(a, b) {
    if (a === b) return 0;
    if (a === null || a === undefined || a === "") return 1;
    if (b === null || b === undefined || b === "") return -1;
    if (typeof a === "number" && typeof b === "number") return a < b ? -1 : 1;
    a = String(a).toLowerCase(); b = String(b).toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function sortOrder() {
    if (sortCol < 0) { order.sort(function (a, b) { return a - b; }); return; }
    var get = cols[sortCol].get, keys = new Array(rows.length);
    order.forEach(function (i) { keys[i] = get(rows[i]); });
    order.sort(function (a, b) {
      var ka = keys[a], kb = keys[b], empty = function (k) { return k === null || k === undefined || k === ""; };
      if (empty(ka) || empty(kb)) return empty(ka) - empty(kb) || a - b;  // empty cells last
      return sortDir * compare(ka, kb) || a - b;
    });
  }

  function applyFilter() {
    var lab = labelSel.value, q = search.value.trim().toLowerCase();
    var h = q ? haystack() : null;
    order = [];
    for (var i = 0; i < rows.length; i++) {
      if (lab !== "" && rows[i][2] !== +lab) continue;
      if (h && h[i].indexOf(q) < 0) continue;
      order.push(i);
    }
    sortOrder();
    viewport.scrollTop = 0;
    render();
  }

  // The first row in view, and where the drawn rows start, for the scroll position.
  function geometry() {
    var total = order.length * ROW_H, height = Math.min(total, MAX_PX);
    var inView = Math.ceil(viewport.clientHeight / ROW_H), top = viewport.scrollTop;
    if (total === height) return { height: height, first: Math.floor(top / ROW_H), y: top - top % ROW_H, inView: inView };
    // Rows that fit whole: at the bottom of the scrollbar the last row shows in full.
    var fit = Math.max(1, Math.floor(viewport.clientHeight / ROW_H));
    var share = top / Math.max(1, height - viewport.clientHeight);
    var first = Math.min(Math.max(0, order.length - fit), Math.round(share * Math.max(0, order.length - fit)));
    return { height: height, first: first, y: top, inView: inView };
  }

  function scrollToPosition(p) {
    var total = order.length * ROW_H;
    if (total <= MAX_PX) {
      var top = p * ROW_H;
      if (top < viewport.scrollTop) viewport.scrollTop = top;
      else if (top + ROW_H > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_H - viewport.clientHeight;
      return;
    }
    var g = geometry();
    if (p < g.first || p >= g.first + g.inView) {
      var share = Math.max(0, Math.min(1, (p - (p < g.first ? 0 : g.inView - 1)) / Math.max(1, order.length - g.inView)));
      viewport.scrollTop = share * (MAX_PX - viewport.clientHeight);
    }
  }

  function render() {
    // The height first: with few rows the viewport shrinks to it, and the rows in view follow.
    sizer.style.height = Math.min(order.length * ROW_H, MAX_PX) + "px";
    var g = geometry();
    var first = Math.max(0, g.first - EXTRA);
    var last = Math.min(order.length, g.first + g.inView + EXTRA);
    box.style.transform = "translateY(" + (g.y - (g.first - first) * ROW_H) + "px)";
    var frag = document.createDocumentFragment();
    for (var p = first; p < last; p++) {
      var i = order[p], r = rows[i], tr = el("div", "tr" + (i === selected ? " sel" : ""));
      tr.dataset.i = i;
      tr.setAttribute("role", "row");
      cols.forEach(function (c) {
        var v = c.get(r), cls = c.num ? "num" : c.label ? "lab l-" + LABEL_CLASS[r[2]] : "";
        var td = el("div", cls, c.num ? fmt(v, c.num) : v);
        td.setAttribute("role", "gridcell");
        if (!c.num && v) td.title = String(v);
        tr.appendChild(td);
      });
      frag.appendChild(tr);
    }
    box.textContent = "";
    box.appendChild(frag);
    count.textContent = order.length === rows.length
      ? rows.length + " postings"
      : order.length + " of " + rows.length + " postings";
  }

  var pending = false;
  viewport.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; render(); });
  });
  box.addEventListener("click", function (ev) {
    var tr = ev.target.closest(".tr");
    if (tr) select(+tr.dataset.i);
  });
  viewport.addEventListener("keydown", function (ev) {
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    ev.preventDefault();
    var p = order.indexOf(selected) + (ev.key === "ArrowDown" ? 1 : -1);
    if (p < 0 || p >= order.length) return;
    select(order[p]);
    scrollToPosition(p);
  });
  var timer = 0;
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(applyFilter, 150); });
  labelSel.addEventListener("change", applyFilter);

  function select(i) {
    selected = i;
    render();
    showDetail(i);
  }

  function showDetail(i) {
    var r = rows[i], d = details[i];
    detail.textContent = "";
    var h = el("h3", "", "Posting " + r[0]);
    detail.appendChild(h);
    data.columns.forEach(function (c, k) {
      if (r[1][k]) { var p = el("p", ""); p.appendChild(el("b", "", c + ": ")); p.appendChild(document.createTextNode(r[1][k])); detail.appendChild(p); }
    });
    var v = el("p", "verdict");
    v.appendChild(el("span", "lab l-" + LABEL_CLASS[r[2]], labels[r[2]]));
    var facts = [];
    if (r[3] !== null) facts.push("confidence " + fmt(r[3], 2));
    if (r[4] !== null) facts.push("lean " + fmt(r[4], 2));
    if (r[5] !== null) facts.push("content lean " + fmt(r[5], 2));
    if (r[8] !== null) facts.push("PO " + fmt(r[8], 2) + " · PM " + fmt(r[9], 2));
    if (r[6]) facts.push("names itself " + r[6]);
    if (r[7]) facts.push("mismatch: names itself one role and describes the other's work");
    v.appendChild(document.createTextNode(" " + facts.join(" · ")));
    detail.appendChild(v);
    if (r[10]) detail.appendChild(el("p", "note", r[10]));
    if (d === 0) {
      detail.appendChild(el("p", "note", "This posting's evidence and text are left out to keep the file quick to open (see the summary)."));
      return;
    }
    if (!d) { detail.appendChild(el("p", "hint", "No lexicon phrase matched.")); return; }
    var colsBox = el("div", "cols"), texts = el("div", "texts"), ev = el("div", "evidence");
    colsBox.appendChild(texts); colsBox.appendChild(ev); detail.appendChild(colsBox);
    if (d.t) {
      d.t.forEach(function (f) {
        texts.appendChild(el("h3", "", f[0]));
        var t = el("div", "text");
        f[1].forEach(function (p) {
          if (typeof p === "string") t.appendChild(document.createTextNode(p));
          else if (p === 0) t.appendChild(el("span", "gap", "…"));
          else {
            var e = d.e[p[1]], ph = e ? phrases[e[0]] : ["", "po", ""];
            var m = el("mark", "hl " + ph[1] + " m-" + p[2], p[0]);
            m.dataset.e = p[1];
            m.title = ph[0] + (MARKS[p[2]] ? " — " + MARKS[p[2]] : "") + (DISCOUNTED[p[2]] ? " (not counted)" : "");
            t.appendChild(m);
          }
        });
        texts.appendChild(t);
      });
      var lg = el("p", "legend");
      [["po", "p", "Product Owner"], ["pm", "p", "Product Manager"], ["po", "s", "own role (counts extra)"],
       ["pm", "c", "not counted: colleague, negated or boilerplate"]].forEach(function (x) {
        lg.appendChild(el("mark", "hl " + x[0] + " m-" + x[1], x[2])); lg.appendChild(document.createTextNode(" "));
      });
      texts.appendChild(lg);
    } else if (data.text === "none") {
      texts.appendChild(el("p", "hint", "These results carry phrases and counts only, no text: see the note in the summary."));
    } else {
      texts.appendChild(el("p", "note", "This posting's text is left out to keep the file quick to open; its evidence is complete."));
    }
    var table = el("table", "ev"), head = el("tr", "");
    ["phrase", "role", "category", "matches", "counted", "score"].forEach(function (c) { head.appendChild(el("th", "", c)); });
    var th = el("thead", ""); th.appendChild(head); table.appendChild(th);
    var tb = el("tbody", "");
    d.e.forEach(function (e, k) {
      var ph = phrases[e[0]], tr = el("tr", e[2] === 0 ? "discounted" : "");
      [ph[0], ph[1].toUpperCase(), ph[2], e[1], e[2], e[3] === null ? "–" : "+" + fmt(e[3], 2)].forEach(function (c) {
        tr.appendChild(el("td", "", c));
      });
      tr.dataset.e = k;
      tb.appendChild(tr);
    });
    table.appendChild(tb);
    ev.appendChild(el("h3", "", "Evidence"));
    ev.appendChild(table);
    tb.addEventListener("click", function (evt) {
      var tr = evt.target.closest("tr");
      var m = tr && texts.querySelector('mark[data-e="' + tr.dataset.e + '"]');
      if (!m) return;
      m.scrollIntoView({ block: "center" });
      m.classList.add("flash");
      setTimeout(function () { m.classList.remove("flash"); }, 1200);
    });
  }

  applyFilter();
})();
