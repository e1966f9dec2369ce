/* safetykb site script: Pagefind search box in Material's look, sortable
 * tables. Self-hosted, no dependencies; the index and Pagefind's own script
 * are under pagefind/ in the built site (written by safetykb's build). */
(function () {
  "use strict";

  /* ---------------------------------------------------------------- search */
  var input = document.getElementById("skb-search-input");
  var toggle = document.getElementById("__search");
  var list = document.getElementById("skb-search-results");
  var meta = document.getElementById("skb-search-meta");
  var engine = null;   // a promise of the Pagefind API, loaded on first use
  var asked = 0;       // number of the latest query, so a slow answer never overwrites a newer one
  var onScreen = 0;    // number of the query whose results are shown
  var MAX = 10;
  var hidden = {};     // result ids never shown: the word lists of shards (safetykb.search)

  /* Offline copy (file://): no fetch, no modules. Material's index, loaded
   * as a plain script, searched in the page: every word of the query in the
   * title or text; the title and an id weigh most. */
  var offline = input && input.getAttribute("data-skb-offline");

  function loadOffline() {
    return new Promise(function (resolve, reject) {
      if (window.__index) { resolve(window.__index); return; }
      var s = document.createElement("script");
      s.src = offline;
      s.onload = function () { resolve(window.__index); };
      s.onerror = function () { reject(new Error("search index not found")); };
      document.head.appendChild(s);
    }).then(function (index) {
      var root = new URL("../", new URL(offline, document.baseURI)).href;
      var pages = {};
      (index.docs || []).forEach(function (d) {
        var loc = String(d.location || "");
        var page = loc.split("#")[0];
        var text = String(d.text || "").replace(/<[^>]*>/g, " ");
        (pages[page] = pages[page] || []).push({ loc: loc, title: String(d.title || "").replace(/<[^>]*>/g, ""), text: text });
      });
      return {
        search: function (query) {
          var words = query.toLowerCase().split(/\s+/).filter(Boolean);
          var found = [];
          Object.keys(pages).forEach(function (page) {
            var parts = pages[page], score = 0, hits = [];
            parts.forEach(function (p, i) {
              var title = p.title.toLowerCase(), text = p.text.toLowerCase(), s = 0;
              for (var w = 0; w < words.length; w++) {
                var inTitle = title.indexOf(words[w]) >= 0, inText = text.indexOf(words[w]) >= 0;
                if (!inTitle && !inText) { s = 0; break; }
                s += (inTitle ? (i === 0 ? 20 : 5) : 0) + (inText ? 1 : 0);
              }
              if (s) { score = Math.max(score, s); hits.push(p); }
            });
            if (score) found.push({ score: score, parts: hits, all: parts });
          });
          found.sort(function (a, b) { return b.score - a.score; });
          return found.slice(0, MAX).map(function (f) {
            var head = f.all[0];
            function cut(text) {
              var lower = text.toLowerCase(), at = lower.indexOf(words[0]);
              var from = Math.max(0, at - 60), piece = text.slice(from, from + 160);
              words.forEach(function (w) {
                piece = piece.replace(new RegExp("(" + w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "ig"), "\u0001$1\u0002");
              });
              return piece.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/\u0001/g, "<mark>").replace(/\u0002/g, "</mark>");
            }
            return {
              url: root + head.loc, meta: { title: head.title }, excerpt: cut(f.parts[0].text),
              sub_results: [{}].concat(f.parts.filter(function (p) { return p !== head; }).map(function (p) {
                return { url: root + p.loc, title: p.title, excerpt: cut(p.text) };
              }))
            };
          });
        }
      };
    });
  }

  /* Pagefind's script and WebAssembly are preloaded by the page's head
   * (main.html), so they arrive while the page loads; the engine itself starts
   * (compiles, reads its metadata) when the search box is pointed at or
   * focused, or once the page is idle, never on the first keystroke. */
  var RANKING = { metaWeights: { title: 5, id: 20 } };

  function load() {
    if (engine) return engine;
    if (offline) {
      engine = loadOffline();
      return engine;
    }
    var base = new URL(input.getAttribute("data-skb-search"), document.baseURI).href;
    engine = Promise.all([
      import(base + "pagefind.js"),
      fetch(base + "safetykb-search.json").then(function (r) { return r.json(); })
        .catch(function () { return { bundles: [""] }; })
        .then(function (manifest) { preload(base, manifest.preload); return manifest; })
    ]).then(function (parts) {
      var pagefind = parts[0];
      var bundles = parts[1].bundles || [""];
      (parts[1].hidden || []).forEach(function (id) { hidden[id] = true; });
      // noWorker: the queries are small; a worker would cost 40 KB and a round
      // trip before the first result. The id as a field of its own weighs most
      // (a full id finds its document first, whatever mentions it). The tag
      // names the index: Pagefind asks for its entry files with it, so they
      // are the preloaded ones (and cached between pages).
      var options = { excerptLength: 24, ranking: RANKING };
      if (parts[1].tag) options.metaCacheTag = String(parts[1].tag);
      return pagefind.options(Object.assign({ baseUrl: "/", noWorker: true }, options))
        .then(function () {
          pagefind.init();
          return Promise.all(bundles.map(function (b) {
            return b ? pagefind.mergeIndex(base + b, options) : null;
          }));
        }).then(function () { return pagefind; });
    });
    return engine;
  }

  /* The files every bundle starts with (its entry and metadata; the
   * manifest lists them), fetched all at once: Pagefind would fetch them
   * bundle by bundle, each merged bundle after the first one's WebAssembly. */
  function preload(base, files) {
    (files || []).forEach(function (file) {
      var link = document.createElement("link");
      link.rel = "preload";
      link.as = "fetch";
      link.crossOrigin = "anonymous";
      link.href = new URL(file, base).href;
      document.head.appendChild(link);
    });
  }

  /* Setup the first search would otherwise pay for, at idle time: the word
   * segmenter the Chinese bundle uses (its dictionary loads on first use). */
  function warm() {
    if (typeof Intl === "undefined" || !Intl.Segmenter) return;
    try {
      var seg = new Intl.Segmenter("zh", { granularity: "word" });
      Array.from(seg.segment("\u5b89\u5168\u751f\u4ea7 safety"));
    } catch (e) { /* no segmenter: Pagefind does without */ }
  }

  function count(n) {
    if (n === 0) return input.getAttribute("data-skb-none");
    if (n === 1) return input.getAttribute("data-skb-one");
    return input.getAttribute("data-skb-other").replace("#", String(n));
  }

  /* An excerpt as DOM nodes: text and <mark> only, whatever the index holds.
   * A document's excerpt that opens with the heading above it (its id and
   * title, then the end of that block: the query matched them) starts after
   * it: the heading is not said twice. `only`: the words marked must hold
   * it (an id: "CL-HD-002" is searched by its parts, and "cl" matches
   * "clear", which is no hit to show). */
  function excerpt(html, heading, only) {
    var out = document.createElement("p");
    var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    doc.body.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.nodeName === "MARK" &&
          (!only || node.textContent.toUpperCase().indexOf(only) >= 0)) {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent || ""));
      }
    });
    var text = out.textContent, lead = heading ? heading.trim() : "";
    var start = text.length - text.replace(/^\s+/, "").length;
    var after = text.charAt(start + lead.length);
    if (lead && text.indexOf(lead, start) === start && /^[.,;:\u3002\uff0c]?$/.test(after)) {
      var cut = start + lead.length;
      cut += /^[\s.,;:\u3002\uff0c]*/.exec(text.slice(cut))[0].length;
      while (cut > 0 && out.firstChild) {
        var first = out.firstChild, len = first.textContent.length;
        if (len <= cut) {
          out.removeChild(first);
          cut -= len;
        } else {
          first.textContent = first.textContent.slice(cut);
          cut = 0;
        }
      }
    }
    return out;
  }

  function siteUrl(url, terms) {
    if (/^[a-z]+:/.test(url)) return url;
    // Index URLs start at the site root ("/procedures/x/"); the site may live
    // in a sub-folder, so resolve them against the pagefind folder's parent.
    var root = new URL(input.getAttribute("data-skb-search") + "../", document.baseURI);
    var target = new URL(url.replace(/^\//, ""), root);
    if (terms) target.searchParams.set("h", terms);
    return target.href;
  }

  function link(url, heading, level, text, terms, only) {
    var a = document.createElement("a");
    a.href = siteUrl(url, terms);
    a.className = "md-search-result__link";
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    if (level === 1) {
      var icon = document.createElement("div");
      icon.className = "md-search-result__icon md-icon";
      article.appendChild(icon);
      article.className += " md-search-result__article--document";
    }
    var h = document.createElement(level === 1 ? "h1" : "h2");
    h.textContent = heading;
    article.appendChild(h);
    var p = text ? excerpt(text, level === 1 ? heading : "", only) : null;
    if (p && p.textContent.trim()) article.appendChild(p);
    a.appendChild(article);
    return a;
  }

  /* Results in one DOM update: built apart, then swapped in. `partial`: the
   * leading results whose records have arrived, in their final order (later
   * ones are appended when theirs arrive); the count and the box's
   * data-skb-shown/-results (what tests and assistive technology read) are
   * set once the set is whole. */
  function show(query, data, partial, gen) {
    onScreen = gen;
    var terms = query.trim();
    // An id or part of one with a hyphen or a digit (HD-001): only its own
    // occurrences are marked, and the sections its parts happen to match
    // ("cl" in "clear") are not listed.
    var id = ID_LIKE.test(terms) && /[-0-9]/.test(terms) ? terms.toUpperCase() : null;
    var items = document.createDocumentFragment();
    data.forEach(function (d) {
      var li = document.createElement("li");
      li.className = "md-search-result__item";
      var title = (d.meta && d.meta.title) || d.url;
      // An archived document's record: its status and successor.
      var note = d.meta && d.meta.status ? " (" + d.meta.status +
        (d.meta.successor ? " \u2192 " + d.meta.successor : "") + ")" : "";
      li.appendChild(link(d.url, title + note, 1, d.excerpt, terms, id));
      // The sections that match, linked; the one the document's excerpt
      // comes from without that excerpt again.
      (id ? [] : d.sub_results || []).slice(1, 4).forEach(function (s) {
        if (s.title && s.title !== title) {
          li.appendChild(link(s.url, s.title, 2, s.excerpt === d.excerpt ? "" : s.excerpt, terms));
        }
      });
      items.appendChild(li);
    });
    list.replaceChildren(items);
    if (partial) return;
    meta.textContent = count(data.length);
    input.setAttribute("data-skb-results", String(data.length));
    input.setAttribute("data-skb-shown", query);
  }

  /* A query that looks like an id or part of one (PROC-HD-001, HD-001, LOTO):
   * the document with that id first, then ids ending or starting with it,
   * then ids holding it, then ids of the same area (CL-LOTO-001: the
   * LOTO documents before CL-HD-001); procedures before actions before
   * checklists. */
  var ID_LIKE = /^(?=.*[-0-9])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$|^[A-Z][A-Z0-9]+$/;
  var TYPE_ORDER = { procedure: 0, action: 1, checklist: 2 };

  function idRank(query, id) {
    if (!id) return 5;
    var q = query.toUpperCase().split("-"), s = id.toUpperCase().split("-");
    if (q.join("-") === s.join("-")) return 0;
    var head = s.slice(0, q.length).join("-") === q.join("-");
    var tail = s.slice(s.length - q.length).join("-") === q.join("-");
    if (head || tail) return 1;
    for (var i = 1; i + q.length < s.length; i++) {
      if (s.slice(i, i + q.length).join("-") === q.join("-")) return 2;
    }
    // The area: the query's parts between the kind (CL, of a whole id) and
    // the number, among the id's own.
    var area = q.slice(q.length > 2 ? 1 : 0).filter(function (part) {
      return !/^[0-9]+$/.test(part);
    });
    var middle = s.slice(1, -1);
    return area.some(function (part) { return middle.indexOf(part) >= 0; }) ? 3 : 4;
  }

  /* Scores of different language bundles are not comparable (a word rare in
   * the few Chinese documents outscores the same word common in thousands of
   * English ones): each language's scores are scaled to its best, and
   * languages of the query's script (CJK or not) count in full, the others at
   * 0.6. (The shards of one language are random samples of it: their scores
   * are scaled together.) */
  var CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
  var CJK_LANGS = { zh: 1, ja: 1, ko: 1 };

  function blend(query, results) {
    var cjk = CJK.test(query), best = {};
    results.forEach(function (r) {
      var lang = String(r.id).split("_")[0];
      best[lang] = Math.max(best[lang] || 0, r.score || 0);
    });
    var keyed = results.map(function (r, i) {
      var lang = String(r.id).split("_")[0];
      var same = !!CJK_LANGS[lang] === cjk;
      return { r: r, s: (r.score || 0) / (best[lang] || 1) * (same ? 1 : 0.6), i: i };
    });
    keyed.sort(function (a, b) { return b.s - a.s || a.i - b.i; });
    return keyed.map(function (k) { return k.r; });
  }

  function byId(query, data) {
    var keyed = data.map(function (d, i) {
      var m = d.meta || {};
      return { d: d, r: idRank(query, m.id), t: m.type in TYPE_ORDER ? TYPE_ORDER[m.type] : 3, i: i };
    });
    keyed.sort(function (a, b) {
      if (a.r !== b.r) return a.r - b.r;
      if (a.r < 4 && a.t !== b.t) return a.t - b.t;
      return a.i - b.i;
    });
    return keyed.map(function (k) { return k.d; });
  }

  /* One search at a time: keys typed while one runs are answered by one
   * search for the latest text when it ends (typing fast never queues up a
   * search per key), and the one running, if overtaken before its results
   * are fetched, fetches nothing more (every input event is a new
   * generation: `asked`). Latin text is searched
   * from three letters, or two with a capital or a digit (an id part: "HD",
   * "L2"): one or two lower-case letters match nearly every page and only
   * delay the search that follows (two fetch the index chunks the next
   * letter needs). A single Chinese character is searched. */
  function tooShort(q) {
    if (!/^[\x00-\x7f]+$/.test(q)) return false;
    return q.length < 2 || (q.length < 3 && !/[A-Z0-9]/.test(q));
  }
  var running = false, pending = false;

  function changed() {
    asked++;
    search();
  }

  /* Ids are indexed in parts as well as whole: "HD-001" is searched as its
   * parts ("HD 001"), which the id field of CL-HD-001 and PROC-HD-001 holds
   * both of; a word with a hyphen ("two-hand") is searched as typed. */
  function engineQuery(q) {
    return ID_LIKE.test(q) && /[0-9]|^[^a-z]*$/.test(q) ? q.replace(/-/g, " ") : q;
  }

  function search() {
    if (running) { pending = true; return; }
    var query = input.value;
    var q = query.trim();
    var mine = asked;
    if (!q || tooShort(q)) {
      list.textContent = "";
      meta.textContent = "";
      onScreen = mine;
      // Two letters: the index chunks the third letter needs are fetched.
      // (Searching them unseen would read them too, but costs the next
      // letter as much again when typed fast.)
      if (q.length > 1 && !offline) load().then(function (p) { return p.preload(q); });
      return;
    }
    running = true;
    var done = function () {
      running = false;
      if (pending) { pending = false; search(); }
    };
    var idLike = ID_LIKE.test(q);
    load().then(function (pagefind) {
      return pagefind.search(offline ? query : engineQuery(q));
    }).then(function (found) {
      if (!found) return null;
      if (mine !== asked) {
        // Overtaken while it searched: the newer search starts at once. While
        // it runs, this one's results are shown if the text typed since only
        // extends this query ("ven" while "vent" is searched) and nothing
        // newer is on screen: they appear as the person types on.
        if (!offline && !idLike && extendsNow(q)) records(query, q, found, mine, false, true);
        return null;
      }
      return offline ? found : records(query, q, found, mine, idLike, false);
    }).then(function (data) {
      // Fetched before newer input came: shown until the newer search (next,
      // one at a time) replaces it.
      if (data && mayShow(mine, q)) show(query, data, false, mine);
      done();
    }).catch(function (err) {
      if (mine === asked) meta.textContent = String(err);
      done();
    });
  }

  /* The records of a search's results. Each is a fetch of its own: the first
   * is shown as soon as it arrives, the next ones as they join it in order
   * (an id query is reordered by id, so it waits for all of them). `stale`:
   * a search overtaken by newer input, whose results are only ever shown as
   * partial (never counted), until the newer ones replace them. */
  function records(query, q, found, mine, idLike, stale) {
    var listed = found.results.filter(function (r) { return !hidden[r.id]; });
    var take = blend(query, listed).slice(0, idLike ? 2 * MAX : MAX);
    var got = [], shown = 0;
    return Promise.all(take.map(function (r, i) {
      return r.data().then(function (d) {
        got[i] = d;
        var ready = shown;
        while (ready < take.length && got[ready]) ready++;
        if (!idLike && ready > shown && (ready < take.length || stale) && mayShow(mine, q)) {
          shown = ready;
          show(query, got.slice(0, ready), true, mine);
        }
        return d;
      });
    })).then(function (data) {
      return idLike ? byId(q, data).slice(0, MAX) : data;
    });
  }

  /* The text in the box now extends `q` (typing on, same start). */
  function extendsNow(q) {
    var now = input.value.trim().toLowerCase();
    return now.length > q.length && now.indexOf(q.toLowerCase()) === 0;
  }

  /* Results of search number `mine` for `q` may go on screen: it is the
   * latest, or an older one the box's text extends, newer than what is
   * shown. */
  function mayShow(mine, q) {
    return mine === asked || (mine > onScreen && extendsNow(q));
  }

  /* Open and close as Material does: the toggle drives its CSS; on a small
   * screen the page behind is locked, so the overlay does not widen it. */
  function lock(on) {
    if (on && window.matchMedia("(max-width: 59.984375em)").matches) {
      document.body.setAttribute("data-md-scrolllock", "");
    } else {
      document.body.removeAttribute("data-md-scrolllock");
    }
  }

  function open() {
    if (toggle && !toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  function close() {
    if (toggle && toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  if (input && list && meta) {
    // Every input event searches: typing, paste, drop, autofill, and the text an
    // input method commits (while an IME is composing, on compositionend).
    input.addEventListener("input", function (e) { if (!e.isComposing) changed(); });
    input.addEventListener("compositionend", changed);
    // Pointing at the box or focusing it starts the engine.
    input.addEventListener("focus", function () { open(); load(); });
    input.addEventListener("pointerenter", function () { load(); });
    input.addEventListener("pointerdown", function () { load(); });
    // Closed, the results are out of the Tab order (and the reach of a
    // screen reader): they stay in the page, hidden, for when it opens again.
    var output = input.closest(".md-search").querySelector(".md-search__output");
    var shut = function () { if (output) output.inert = !(toggle && toggle.checked); };
    shut();
    if (toggle) {
      toggle.addEventListener("change", function () {
        lock(toggle.checked);
        shut();
        if (toggle.checked && document.activeElement !== input) input.focus();
      });
    }
    document.addEventListener("keydown", function (e) {
      var inBox = e.target === input;
      var inList = list.contains(e.target);
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) || e.target.isContentEditable;
      if (!typing && !inList && (e.key === "/" || e.key === "s" || e.key === "f") &&
          !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        open();
        input.focus();
        return;
      }
      if (!inBox && !inList) return;
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (e.key === "Escape") {
        e.preventDefault();
        // From a result too: the closed list is inert (the Tab order goes on
        // after the search, not through hidden links), and the focus leaves
        // it now, not at the browser's next rendering update.
        close();
        if (inList) e.target.blur();
        input.blur();
      } else if (e.key === "ArrowDown" && all.length) {
        e.preventDefault();
        all[Math.min(at + 1, all.length - 1)].focus();
      } else if (e.key === "ArrowUp" && (inList)) {
        e.preventDefault();
        if (at <= 0) input.focus(); else all[at - 1].focus();
      } else if (e.key === "Enter" && inBox && all.length) {
        e.preventDefault();
        window.location.href = all[0].href;
      }
    });
  }

  /* The engine (about 120 KB, preloaded by the head, cached) starts as soon
   * as the page is idle, so the first search does not wait for it; the word
   * segmenter is set up in the next idle time. */
  if (input && list && meta && !offline) {
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 50); };
    idle(function () {
      load();
      idle(warm, { timeout: 1000 });
    }, { timeout: 300 });
  }

  /* Highlight the searched words on the page a result led to (?h=words). */
  var highlight = new URL(window.location.href).searchParams.get("h");
  if (highlight) {
    var body = document.querySelector("[data-pagefind-body]") || document.querySelector("article");
    var words = highlight.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 1; });
    if (body && words.length) {
      var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      var hits = [];
      while (walker.nextNode()) hits.push(walker.currentNode);
      hits.forEach(function (node) {
        var text = node.nodeValue;
        var lower = text.toLowerCase();
        var cuts = [];
        words.forEach(function (w) {
          var i = lower.indexOf(w);
          while (i >= 0) { cuts.push([i, i + w.length]); i = lower.indexOf(w, i + w.length); }
        });
        if (!cuts.length || node.parentNode.closest("script,style,mark")) return;
        cuts.sort(function (a, b) { return a[0] - b[0]; });
        var frag = document.createDocumentFragment();
        var pos = 0;
        cuts.forEach(function (c) {
          if (c[0] < pos) return;
          frag.appendChild(document.createTextNode(text.slice(pos, c[0])));
          var m = document.createElement("mark");
          m.className = "skb-hit";
          m.textContent = text.slice(c[0], c[1]);
          frag.appendChild(m);
          pos = c[1];
        });
        frag.appendChild(document.createTextNode(text.slice(pos)));
        node.parentNode.replaceChild(frag, node);
      });
    }
  }

  /* ------------------------------------------- an action on a small screen */
  /* At the machine the steps come first: on a phone, the sections above the
   * steps of a standardised action (purpose, hazards and controls, whose
   * hazards are summarised with icons at the top) fold into disclosures, in
   * place, so the first step is on the first screen. Nothing moves, nothing
   * is removed; a wide screen or no script shows the page as written. The
   * steps section is found by its name (or, renamed, as the first section
   * holding an ordered list, wherever in it): it and what follows are never
   * folded, and without one nothing is. */
  var STEPS = /^(steps|items|procedure|\u64cd\u4f5c\u6b65\u9aa4|\u6b65\u9aa4|\u7a0b\u5e8f)$/i;

  function headingText(h) {
    var text = "";
    h.childNodes.forEach(function (n) {
      if (!(n.nodeType === 1 && n.classList.contains("headerlink"))) text += n.textContent;
    });
    return text.trim();
  }

  function sectionOf(h2) {
    var nodes = [];
    for (var n = h2.nextSibling; n && !(n.nodeType === 1 && n.tagName === "H2"); n = n.nextSibling) {
      nodes.push(n);
    }
    return nodes;
  }

  function holdsSteps(h2) {
    return sectionOf(h2).some(function (n) {
      return n.nodeType === 1 && (n.tagName === "OL" || !!n.querySelector("ol"));
    });
  }

  var doc = document.querySelector(".skb-doc");
  var isAction = doc && doc.querySelector("[data-pagefind-meta='type:action']");
  if (isAction && window.matchMedia("(max-width: 44.9375em)").matches) {
    var heads = Array.prototype.slice.call(doc.querySelectorAll("h2"));
    var steps = heads.filter(function (h) { return STEPS.test(headingText(h)); })[0] ||
      heads.filter(holdsSteps)[0];
    heads.slice(0, steps ? heads.indexOf(steps) : 0).forEach(function (h2) {
      var box = document.createElement("details");
      box.className = "skb-fold";
      var summary = document.createElement("summary");
      var content = sectionOf(h2);
      h2.parentNode.insertBefore(box, h2);
      box.appendChild(summary);
      summary.appendChild(h2);
      content.forEach(function (n) { box.appendChild(n); });
    });
  }

  /* ------------------------------------------------------- sortable tables */
  function cellValue(row, i) {
    var cell = row.cells[i];
    return cell ? (cell.getAttribute("data-sort") || cell.textContent || "").trim() : "";
  }

  function compare(a, b) {
    var na = Number(a), nb = Number(b);
    if (a !== "" && b !== "" && !isNaN(na) && !isNaN(nb)) return na - nb;
    return a.localeCompare(b, undefined, { numeric: true });
  }

  // A table wider than the screen scrolls inside Material's wrapper, which
  // then has to be reachable by keyboard (WCAG 2.1.1): it gets a tab stop and
  // a name. Material wraps the tables once its script has run: on load.
  function scrollersFocusable() {
    var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      var ours = wrap.hasAttribute("data-skb-scroll");
      if (scrolls && !ours && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("data-skb-scroll", "");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", zh ? "\u8868\u683c\uff08\u53ef\u6a2a\u5411\u6eda\u52a8\uff09"
                                           : "Table (scrolls sideways)");
      } else if (!scrolls && ours && wrap.clientWidth > 0) {
        // It fits now (a phone turned sideways): no tab stop that scrolls nothing.
        ["data-skb-scroll", "tabindex", "role", "aria-label"].forEach(function (a) {
          wrap.removeAttribute(a);
        });
      }
    });
  }
  window.addEventListener("load", scrollersFocusable);
  window.addEventListener("resize", scrollersFocusable);
  // A table in a closed disclosure (the revision history) may have no width
  // until it is opened (browsers differ).
  document.addEventListener("toggle", scrollersFocusable, true);

  document.querySelectorAll("table.skb-sortable, .skb-sortable table").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) return;
    var names = Array.prototype.map.call(head.cells, function (th) { return th.textContent.trim(); });
    Array.prototype.forEach.call(body.rows, function (r) {
      Array.prototype.forEach.call(r.cells, function (c, i) { c.setAttribute("data-label", names[i] || ""); });
    });
    Array.prototype.forEach.call(head.cells, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "skb-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      // A table written sorted says so (aria-sort="ascending" on its column).
      if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (o) { o.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(cellValue(r1, i), cellValue(r2, i));
          return up ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
