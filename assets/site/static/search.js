/* kbtui site search. Every page has the search box in its header; it submits to search.html?q=…,
 * where this script answers as you type (a short query is kept in the URL, a long paste in the
 * tab under ?k=…, so Back returns to it).
 *
 * 1. Pasted logs: the entries' signatures, translated from RE2 to exact JavaScript regexes at
 *    export time (kb/signatures_js.py, shipped in signatures.js), run on the pasted text first.
 *    Those entries are listed as "Matches your log" — the confident answers, as in `kb search -`.
 * 2. Words: Pagefind. A short query is searched as typed; a long one (a log) or one with no hit is
 *    reduced to its distinctive words (no numbers, ids, addresses, levels or common words); each
 *    is searched on its own and entries are ranked by the rarity-weighted words they hold
 *    (Pagefind alone requires every word). The first result is the "Best match" only when
 *    confidence() finds it the answer, approximating `kb search`'s rule; the rest is related.
 * The Pagefind binary from PyPI does not segment Chinese, so the exporter indexes Chinese runs as
 * overlapping bigrams (kb/site/cjk.py) and cjkBigrams() splits the query the same way; both fold
 * Traditional characters to Simplified first (t2s.js, the table `kb search` uses).
 * A result quotes its entry's readable text: the English prose of the record for words
 * (proseExcerpt), the entry's Chinese page for Chinese (cjkExcerpt), never the titles, tags and
 * bigrams indexed after the prose.
 * Results are built with textContent (never innerHTML).
 * The box is a one-row <textarea> (a single-line input drops a pasted log's line breaks, and the
 * signatures anchored to a line, ^…$, then never match): it grows with its text, Enter searches
 * as in a search box, Shift+Enter starts a new line (attachBox).
 */
(function () {
  "use strict";
  var html = document.documentElement;
  var root = html.getAttribute("data-root") || "./";
  var lang = html.getAttribute("data-lang") || "en";
  var prefix = lang === "en" ? "" : lang + "/";
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+/g;
  var ID = /^[a-z0-9][a-z0-9-]{0,120}$/;
  var PAGE = 10;
  var MAX_LOG = 256 * 1024; // a pasted log is capped, as `kb search -` caps stdin
  var MAX_LINE = 2000;
  var STOP = ("the and for with from this that not was are has have been but its into than then " +
    "there their when where which while will would can could should did does doing had how why " +
    "what who you your our all any one out get got use used using error errors warning warn info " +
    "debug notice crit critical fatal trace level state reason failed fail true false null none " +
    "http https www com net org jan feb mar apr may jun jul aug sep oct nov dec mon tue wed thu " +
    "fri sat sun host localhost").split(" ");
  var stop = {};
  STOP.forEach(function (w) { stop[w] = true; });

  /* Traditional -> Simplified, one character for one (t2s.js, written by the export: only the
   * characters whose Simplified form is in the site). Pairs of unequal UTF-16 length are left
   * out, so a folded text keeps the offsets of the original. */
  var t2s = null;
  function fold(text) {
    if (t2s === null) {
      t2s = {};
      var table = window.kbT2S;
      if (table && table.length === 2) {
        var trad = Array.from(table[0]);
        var simp = Array.from(table[1]);
        for (var i = 0; i < trad.length && i < simp.length; i++) {
          if (trad[i].length === simp[i].length) t2s[trad[i]] = simp[i];
        }
      }
    }
    if (!/[^\x00-\x7f]/.test(text)) return text;
    return text.replace(/[\s\S]/gu, function (c) { return t2s[c] || c; });
  }
  window.kbFold = fold;

  function cjkBigrams(query) {
    return query.replace(CJK, function (run) {
      if (run.length < 2) return " " + run + " ";
      var out = [];
      for (var i = 0; i < run.length - 1; i++) out.push(run.slice(i, i + 2));
      return " " + out.join(" ") + " ";
    }).replace(/\s+/g, " ").trim();
  }
  window.kbCjkBigrams = cjkBigrams;

  /* A Chinese run's bigram group as the run it came from ("时钟 钟回 回拨" → "时钟回拨"), for
   * "Searched for:" (it listed the bigrams: "中文 文日 日志"); other words as they are. */
  function runOf(word) {
    var parts = word.split(" ");
    if (parts.length < 2) return word;
    return parts[0] + parts.slice(1).map(function (b) { return b.slice(1); }).join("");
  }

  /* Words worth searching for in a long query or a log line: no numbers, addresses, pids, hex,
   * timestamps, log levels or common words. Longest first; CJK runs kept as bigram groups. */
  function candidates(raw) {
    var text = raw.slice(0, 8000);
    var seen = {};
    var out = [];
    var cjk = text.match(CJK) || [];
    cjk.forEach(function (run) {
      var q = cjkBigrams(run);
      if (!seen[q]) { seen[q] = true; out.push(q); }
    });
    var words = text.replace(CJK, " ").split(/[^A-Za-z0-9_\u00c0-\u024f]+/);
    var latin = [];
    words.forEach(function (w) {
      var lower = w.toLowerCase();
      if (lower.length < 3 || stop[lower] || seen[lower]) return;
      if (!/[a-z]/.test(lower)) return; // numbers, pids, ports
      if (/^[0-9a-f]+$/.test(lower) && /[0-9]/.test(lower)) return; // hex ids
      if (/^\d/.test(lower)) return; // 10ms, 2023t10
      seen[lower] = true;
      latin.push(lower);
      // an identifier counts as itself and as its parts (max_mqueue_len: mqueue), as in
      // `kb search` (indexer/tokens.py): an entry about the mqueue holds the part far more
      // often than entries that only quote the setting
      if (lower.indexOf("_") >= 0) {
        lower.split("_").forEach(function (p) {
          if (p.length < 3 || stop[p] || seen[p] || !/[a-z]/.test(p) || /^\d/.test(p)) return;
          seen[p] = true;
          latin.push(p);
        });
      }
    });
    latin.sort(function (a, b) { return b.length - a.length; });
    return out.concat(latin).slice(0, 12);
  }

  /* --- signatures: the pasted log against every entry's patterns ----------------------------- */
  var compiled = null;
  var escapes = null; // the colour codes in a log line (kb.sanitize.INLINE_ESCAPES)
  function signatureTable() {
    var table = window.kbSignatures;
    if (!table || !table.sigs) return null;
    if (!compiled) {
      try { escapes = table.escapes ? new RegExp(table.escapes, "g") : null; }
      catch (e) { escapes = null; }
      compiled = [];
      table.sigs.forEach(function (s) {
        try { compiled.push({ id: s[0], re: new RegExp(s[1], s[2]) }); }
        catch (e) { /* an engine without lookbehind: skip this pattern */ }
      });
    }
    return table;
  }

  /* The first match of `sig` in `line`, as {start, end}, or null. The browser's regex engine
   * backtracks (RE2 does not), so no regex runs on more than MAX_LINE characters: this bounds the
   * work a pathological line can cause. A longer line is searched in windows of MAX_LINE
   * characters, each starting MAX_LINE / 2 after the last (it was searched in its first MAX_LINE
   * characters only, and a JSON log line with its error at character 6 000 matched nothing): the
   * work stays linear in the line's length, and a match of up to MAX_LINE / 2 characters lies
   * whole in one window. A window is read with one more character of the line on each side,
   * where no match may start or end, so that `^`, `$` and `\b` (one-character look-arounds in
   * the translation) see the line as it is. */
  function firstMatch(sig, line) {
    var m;
    if (line.length <= MAX_LINE) {
      m = sig.re.exec(line);
      return m ? { start: m.index, end: m.index + m[0].length } : null;
    }
    if (!sig.from) sig.from = new RegExp(sig.re.source, sig.re.flags.replace("g", "") + "g");
    for (var from = 0; from < line.length; from += MAX_LINE / 2) {
      var to = Math.min(line.length, from + MAX_LINE);
      var before = from > 0 ? 1 : 0;
      sig.from.lastIndex = before;
      m = sig.from.exec(line.slice(from - before, Math.min(line.length, to + 1)));
      if (m) {
        var start = from - before + m.index;
        if (start + m[0].length <= to) return { start: start, end: start + m[0].length };
      }
      if (to === line.length) break;
    }
    return null;
  }

  /* What is shown of a matching line: from a little before the match (the line is shown up to
   * 300 characters, and a match further in was left out, its mark empty). */
  function shownLine(line, start, end) {
    var from = start > 100 ? start - 80 : 0;
    var lead = from ? "…" : "";
    return { line: lead + line.slice(from), start: start - from + lead.length, end: end - from + lead.length };
  }

  /* Line by line (see firstMatch). A line's colour codes are taken out first, as `kb diagnose`
   * does: `\x1b[31mOS monotonic…` meets `\bOS monotonic` (the site matched nothing in a
   * coloured line). */
  function logMatches(raw) {
    var table = signatureTable();
    if (!table) return [];
    var lines = raw.slice(0, MAX_LOG).split("\n").map(function (l) {
      l = l.replace(/\r$/, "");
      return escapes ? l.replace(escapes, "") : l;
    });
    var hits = {};
    var order = [];
    compiled.forEach(function (sig) {
      for (var i = 0; i < lines.length; i++) {
        var m = firstMatch(sig, lines[i]);
        if (!m) continue;
        if (!hits[sig.id]) {
          var end = Math.min(lines[i].length, Math.max(m.end, m.start + 1));
          hits[sig.id] = shownLine(lines[i], m.start, end);
          hits[sig.id].id = sig.id;
          hits[sig.id].count = 0;
          order.push(sig.id);
        }
        hits[sig.id].count += 1;
        return; // one line per signature is enough to count it
      }
    });
    return order.map(function (id) { return hits[id]; }).sort(function (a, b) { return b.count - a.count; })
      .map(function (h) {
        var info = table.entries[h.id] || ["", {}];
        var texts = info[1][lang] || info[1].en || [h.id, ""];
        return { id: h.id, kind: info[0], title: texts[0], summary: texts[1], line: h.line, start: h.start, end: h.end };
      });
  }

  /* --- Pagefind ---------------------------------------------------------------------------- */
  /* A large KB is indexed in shards (pagefind/, pagefind-2/, …; kb/site/search.py SHARD_SIZE):
   * the first one is loaded and the others merged into it, so one search covers them all. */
  var loading = null;
  function pagefind() {
    if (!loading) {
      var out = document.querySelector("[data-search-output]");
      var shards = parseInt((out && out.getAttribute("data-shards")) || "1", 10) || 1;
      var url = new URL(root + "pagefind/pagefind.js", document.baseURI).href;
      loading = import(url).then(function (pf) {
        return Promise.resolve(pf.options({ excerptLength: EXCERPT_WORDS })).then(function () {
          // The index is built as one "en" index (kb/site/search.py), but Pagefind picks its
          // query handling from <html lang>: on the zh pages it matched the bigram query its own
          // way (回拨: 79 entries, then none once the index changed). Start it as the index was
          // built; init() reads the attribute synchronously.
          var html = document.documentElement;
          var pageLang = html.getAttribute("lang");
          html.setAttribute("lang", "en");
          try {
            return pf.init();
          } finally {
            if (pageLang === null) html.removeAttribute("lang");
            else html.setAttribute("lang", pageLang);
          }
        }).then(function () {
          var merges = [];
          for (var i = 2; i <= shards; i++) {
            merges.push(pf.mergeIndex(new URL(root + "pagefind-" + i + "/", document.baseURI).href));
          }
          return Promise.all(merges);
        }).then(function () { return pf; });
      });
    }
    return loading;
  }

  /* A log line or a long query: each candidate word is searched on its own, and entries are
   * ranked by the words they hold, each word weighing more the fewer entries have it (an IDF
   * sum, as a search engine's OR query would): "enotconn" outweighs "connection". */
  function distinctive(pf, raw) {
    var words = candidates(raw);
    return Promise.all(words.map(function (w) {
      return pf.search(w).then(function (r) { return held(r && r.results ? r.results : [], w); })
        .then(function (list) { return { word: w, results: list }; });
    })).then(function (counted) {
      var used = counted.filter(function (c) { return c.results.length > 0; });
      var most = 1;
      used.forEach(function (c) { most = Math.max(most, c.results.length); });
      var byId = {};
      var order = [];
      used.forEach(function (c) {
        var weight = Math.log(1 + (2 * most) / c.results.length);
        var top = c.results[0].score || 1;
        c.results.forEach(function (r) {
          if (!byId[r.id]) { byId[r.id] = { result: r, score: 0, first: order.length }; order.push(r.id); }
          // where the word weighs more in the entry (title, repeated), Pagefind scores it higher
          byId[r.id].score += weight * (0.5 + 0.5 * Math.min(1, (r.score || 0) / top));
        });
      });
      var ranked = order.map(function (id) { return byId[id]; }).sort(function (a, b) {
        return b.score - a.score || a.first - b.first;
      });
      // entries that share only a common word or two with the log are noise, not reading
      var floor = ranked.length ? ranked[0].score * 0.3 : 0;
      ranked = ranked.filter(function (x) { return x.score >= floor; });
      used.sort(function (a, b) { return a.results.length - b.results.length; });
      return {
        words: used.map(function (c) { return c.word; }),
        results: ranked.map(function (x) { return x.result; }),
        scores: ranked.map(function (x) { return x.score; })
      };
    });
  }

  /* A Chinese phrase is searched as its bigrams, which Pagefind finds anywhere in an entry:
   * 端口被占用 ranked an entry holding 端口没被占用 and 端口莫名被占用 (every bigram, never the run)
   * above the ones about 端口被占用. Of the first PHRASE_TOP hits, those whose titles hold every
   * run of three or more characters whole go first, then those whose page (summary, symptoms,
   * body) holds them, then the rest, each group in Pagefind's order. */
  var PHRASE_TOP = 20;
  function phraseFirst(list, query) {
    var runs = (query.match(CJK) || []).filter(function (run) { return run.length > 2; });
    if (!runs.length || list.length < 2) return Promise.resolve(list);
    var head = list.slice(0, PHRASE_TOP);
    var whole = function (text) {
      text = fold(text);
      return runs.every(function (run) { return text.indexOf(run) >= 0; });
    };
    return Promise.all(head.map(function (r) {
      return r.data().then(function (d) {
        var meta = d.meta || {};
        if (!ID.test(meta.id || "")) return 2;
        var titles = Object.keys(meta).filter(function (k) { return /^title(_|$)/.test(k); })
          .map(function (k) { return String(meta[k]); }).join("\n");
        if (whole(titles)) return 0;
        return pageText(meta.id).then(function (text) { return whole(text) ? 1 : 2; });
      }).catch(function () { return 2; });
    })).then(function (tiers) {
      var groups = [[], [], []];
      head.forEach(function (r, i) { groups[tiers[i]].push(r); });
      return groups[0].concat(groups[1], groups[2], list.slice(PHRASE_TOP));
    });
  }

  /* Titles and summaries of every language of a Pagefind result. */
  function headText(meta) {
    return Object.keys(meta).filter(function (k) { return /^(title|summary)(_|$)/.test(k); }).sort()
      .map(function (k) { return String(meta[k]); }).join("\n");
  }

  /* Something Pagefind can search: a word of two or more letters or digits, or a Chinese run of
   * two or more characters. Pagefind matches a word as a prefix, so `a` (or the one character
   * 的) listed nearly every entry where `kb search` finds nothing. */
  function searchable(raw) {
    return (raw.match(CJK) || []).some(function (run) { return run.length > 1; }) ||
      raw.replace(CJK, " ").split(/[^A-Za-z0-9_\u00c0-\u024f]+/).some(function (w) { return w.length > 1; });
  }

  function textSearch(raw) {
    if (!searchable(raw)) return Promise.resolve({ words: null, results: [] });
    return pagefind().then(function (pf) {
      var words = raw.trim().split(/\s+/);
      var logLike = words.length > 6 || raw.indexOf("\n") >= 0;
      if (logLike) return distinctive(pf, raw);
      return pf.search(cjkBigrams(raw)).then(function (r) {
        return held(r && r.results ? r.results : [], raw);
      }).then(function (list) {
        if (list.length) return phraseFirst(list, raw).then(function (l) { return { words: null, results: l }; });
        return distinctive(pf, raw);
      });
    });
  }

  /* `list` (Pagefind's results for `query`) if one of its first HELD_TOP results holds the
   * query's words, else none. A word no entry holds is searched by Pagefind as the longest
   * prefix that one does (Pagefind 1.x, no option to turn it off): `qwertyuiop` found the 12
   * entries holding `-q`, `zzzqqq` five holding `:z`, where `kb search` finds nothing. Each
   * shard of a large index does so on its own, so the first result may be another shard's
   * stand-in while a later one holds the word. A word is held when the record has its first half
   * (three characters at least: `mosq` is a prefix of what it finds); a Chinese run when the
   * record has the run's bigrams. */
  var HELD_TOP = 5;
  function held(list, query) {
    if (!list.length) return Promise.resolve(list);
    var runs = (query.match(CJK) || []).map(cjkBigrams).join(" ").split(" ").filter(function (b) {
      return b.length > 1;
    });
    var words = query.replace(CJK, " ").toLowerCase().split(/[^a-z0-9_\u00c0-\u024f]+/)
      .filter(function (w) { return w.length > 1; })
      .map(function (w) { return w.slice(0, Math.max(3, Math.floor(w.length / 2))); });
    var parts = words.concat(runs);
    function check(i) {
      if (i >= Math.min(HELD_TOP, list.length)) return Promise.resolve([]);
      return list[i].data().then(function (d) {
        var content = fold(String(d.content || "")).toLowerCase();
        var has = function (part) { return content.indexOf(part) >= 0; };
        return parts.every(has) ? list : check(i + 1);
      }, function () { return list; });
    }
    return check(0);
  }

  /* --- rendering ----------------------------------------------------------------------------- */
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function highlighted(parent, text, words) {
    // text with every occurrence of `words` wrapped in <mark>, built from text nodes only
    var lower = text.toLowerCase();
    var marks = [];
    words.forEach(function (w) {
      w = w.toLowerCase();
      if (w.length < 2) return;
      var i = lower.indexOf(w);
      while (i >= 0) { marks.push([i, i + w.length]); i = lower.indexOf(w, i + w.length); }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      parent.appendChild(document.createTextNode(text.slice(pos, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(m[0], m[1]);
      parent.appendChild(mark);
      pos = m[1];
    });
    parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  var EXCERPT_WORDS = 24;
  var EXCERPT_BEFORE = 30; // characters of a Chinese quote before the match
  var EXCERPT_AFTER = 70;
  var MD_MARKS = /`+|\*\*+|__+/g;
  var MD_TOKEN = /^(#{1,6}|[-*+>|]|-{3,}|={3,}|\|[-:| ]*\|?)$/;

  /* The record's content is its English prose (summary, symptoms, body; kb/site/search.py) and
   * then what is there only to be found: the English title three times, id, products, tags,
   * translations, Chinese bigrams. Where the prose ends: where the title starts, thrice. */
  function proseEnd(words, title) {
    var t = String(title || "").replace(CJK, function (run) { return run.slice(0, 4); })
      .split(/[\r\n\s]+/g).filter(function (w) { return w; });
    if (!t.length) return 0;
    var thrice = t.concat(t, t);
    for (var i = 0; i + thrice.length <= words.length; i++) {
      var j = 0;
      while (j < thrice.length && words[i + j] === thrice[j]) j++;
      if (j === thrice.length) return i;
    }
    return 0;
  }

  /* Pagefind's own excerpt may quote any of the content; this one quotes the prose only, around
   * its densest run of matched words (Pagefind's weighted locations are positions in the content
   * split on whitespace, as the exporter normalises it). */
  function proseExcerpt(data) {
    var all = String(data.content || "").split(/[\r\n\s]+/g);
    var n = proseEnd(all, (data.meta || {}).title);
    var score = {};
    var any = false;
    (data.weighted_locations || []).forEach(function (l) {
      if (l.location >= n) return;
      score[l.location] = (score[l.location] || 0) + (l.balanced_score || 1);
      any = true;
    });
    if (!any) return null;
    var words = all.slice(0, n);
    var best = -1, bestAt = 0, sum = 0;
    for (var i = 0; i < words.length; i++) {
      sum += score[i] || 0;
      if (i >= EXCERPT_WORDS) sum -= score[i - EXCERPT_WORDS] || 0;
      if (sum > best) { best = sum; bestAt = Math.max(0, i - EXCERPT_WORDS + 1); }
    }
    // centre the window on the matches it holds
    var first = -1, last = -1;
    for (var j = bestAt; j < bestAt + EXCERPT_WORDS && j < words.length; j++) {
      if (score[j]) { if (first < 0) first = j; last = j; }
    }
    var start = Math.round((first + last) / 2 - EXCERPT_WORDS / 2);
    start = Math.max(0, Math.min(start, words.length - EXCERPT_WORDS));
    var end = Math.min(words.length, start + EXCERPT_WORDS);
    var pieces = [];
    if (start > 0) pieces.push({ text: "…" });
    for (var k = start; k < end; k++) {
      // the prose is raw Markdown: drop its markup as the entry page would
      var word = words[k].replace(MD_MARKS, "");
      if (!word || MD_TOKEN.test(word)) continue;
      if (pieces.length) pieces.push({ text: " " });
      pieces.push({ text: word, mark: !!score[k] });
    }
    if (end < words.length) pieces.push({ text: " …" });
    return pieces;
  }

  /* A Chinese query: the record's Chinese is bigrams and 4-character stubs, and Pagefind indexes
   * meta fields as words (a copy of the text there changed the ranking), so the quote comes from
   * the entry's Chinese page (the English one if the site has no Chinese pages): its summary,
   * symptoms and body as text, fetched once per entry. */
  var docs = {};
  function pageDoc(path) {
    if (!docs[path]) {
      docs[path] = fetch(root + path).then(function (resp) { return resp.ok ? resp.text() : ""; })
        .then(function (text) { return text ? new DOMParser().parseFromString(text, "text/html") : null; })
        .catch(function () { return null; });
    }
    return docs[path];
  }
  function siteLangs() {
    var out = document.querySelector("[data-search-output]");
    return ((out && out.getAttribute("data-langs")) || "en zh").split(" ");
  }
  var pageTexts = {};
  function pageText(id) {
    if (!pageTexts[id]) {
      var pageLang = siteLangs().indexOf("zh") >= 0 ? "zh/" : "";
      pageTexts[id] = pageDoc(pageLang + "entries/" + id + ".html").then(function (doc) {
        if (!doc) return "";
        var parts = ["article .summary", "article .symptoms ul", "article .body"].map(function (sel) {
          return doc.querySelector(sel);
        }).filter(function (el) { return el; });
        if (!parts.length && doc.querySelector("article")) parts = [doc.querySelector("article")];
        return parts.map(readable).join(" ");
      }).catch(function () { return ""; });
    }
    return pageTexts[id];
  }

  /* An element's text, a space between blocks (paragraphs, items, cells), permalinks left out. */
  function readable(el) {
    var out = [];
    var last = null;
    var walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var parent = node.parentNode;
      if (parent.closest("a.permalink, button, script, style")) continue;
      var block = parent.closest("p, li, pre, h1, h2, h3, h4, h5, h6, td, th, dd, dt, blockquote") || el;
      if (block !== last && out.length) out.push(" ");
      last = block;
      out.push(node.nodeValue);
    }
    return out.join("").replace(/\s+/g, " ").trim();
  }

  /* The quote around the first place that holds a query run whole, else one of its bigrams;
   * every such place in the quote is marked. */
  function cjkExcerpt(text, runs) {
    var folded = fold(text);
    var levels = [runs.slice().sort(function (a, b) { return b.length - a.length; })];
    var grams = [];
    runs.forEach(function (r) { cjkBigrams(r).split(" ").forEach(function (g) { if (g.length > 1) grams.push(g); }); });
    if (grams.length) levels.push(grams);
    for (var li = 0; li < levels.length; li++) {
      var pos = -1;
      levels[li].forEach(function (needle) {
        var at = folded.indexOf(needle);
        if (at >= 0 && (pos < 0 || at < pos)) pos = at;
      });
      if (pos < 0) continue;
      var start = Math.max(0, pos - EXCERPT_BEFORE);
      var end = Math.min(text.length, pos + EXCERPT_AFTER);
      var inside = folded.slice(start, end);
      var marks = [];
      levels[li].forEach(function (needle) {
        for (var at = inside.indexOf(needle); at >= 0; at = inside.indexOf(needle, at + needle.length)) {
          marks.push([at, at + needle.length]);
        }
      });
      marks.sort(function (a, b) { return a[0] - b[0]; });
      var shown = text.slice(start, end);
      var pieces = [];
      if (start > 0) pieces.push({ text: "…" });
      var p = 0;
      marks.forEach(function (m) {
        if (m[0] < p) return;
        pieces.push({ text: shown.slice(p, m[0]) });
        pieces.push({ text: shown.slice(m[0], m[1]), mark: true });
        p = m[1];
      });
      pieces.push({ text: shown.slice(p) });
      if (end < text.length) pieces.push({ text: "…" });
      return pieces;
    }
    return null;
  }

  /* A promise of the quote for a result: Chinese from the entry's page, else the English prose. */
  function excerptOf(data, query) {
    var runs = query.match(CJK) || [];
    var id = (data.meta || {}).id;
    if (!runs.length || !ID.test(id || "")) return Promise.resolve(proseExcerpt(data));
    return pageText(id).then(function (text) {
      return (text && cjkExcerpt(text, runs)) || proseExcerpt(data);
    });
  }

  function excerptInto(parent, pieces) {
    pieces.forEach(function (piece) {
      if (!piece.text) return;
      if (piece.mark) {
        var mark = document.createElement("mark");
        mark.textContent = piece.text;
        parent.appendChild(mark);
      } else parent.appendChild(document.createTextNode(piece.text));
    });
  }

  function resultItem(r, words) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.className = "result-link";
    a.setAttribute("href", root + prefix + "entries/" + r.id + ".html");
    highlighted(a, r.title || r.id, words);
    li.appendChild(a);
    if (r.kindLabel) {
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = r.kindLabel;
      li.appendChild(badge);
    }
    if (r.summary) {
      var p = document.createElement("p");
      highlighted(p, r.summary, words);
      li.appendChild(p);
    }
    if (r.line) {
      var line = document.createElement("p");
      line.className = "matched";
      var code = document.createElement("code");
      var text = r.line.slice(0, 300); // the match starts within (shownLine)
      code.appendChild(document.createTextNode(text.slice(0, r.start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(r.start, r.end);
      code.appendChild(mark);
      code.appendChild(document.createTextNode(text.slice(r.end) + (r.line.length > 300 ? "…" : "")));
      line.appendChild(code);
      li.appendChild(line);
    }
    if (r.excerpt && r.excerpt.length) {
      var ex = document.createElement("p");
      ex.className = "excerpt";
      excerptInto(ex, r.excerpt);
      li.appendChild(ex);
    }
    return li;
  }

  /* --- confident or related: `kb search`'s rule (indexer/rank.py decide), approximated -------
   * The query's informative units: its words (no common words, numbers, ids or product names)
   * and each Chinese run (held in the share of its bigrams an entry holds), each weighing its
   * rarity in the index (idf, as the engine weighs it; a word no entry holds weighs double and is
   * held by none). The first result's focus — its titles and symptoms in every language, from its
   * pages — must hold a share of that weight, and more than the second result's focus does. */
  var products = {};
  var dfs = {};
  function dfOf(pf, term) {
    if (!(term in dfs)) {
      dfs[term] = pf.search(term).then(function (r) { return r && r.results ? r.results.length : 0; })
        .catch(function () { return 0; });
    }
    return dfs[term];
  }

  function bigramsOf(run) {
    var seen = {};
    var out = [];
    for (var i = 0; i < run.length - 1; i++) {
      var g = run.slice(i, i + 2);
      if (!seen[g]) { seen[g] = true; out.push(g); }
    }
    return out;
  }

  function informative(query) {
    var out = [];
    var seen = {};
    (query.match(CJK) || []).forEach(function (run) {
      if (run.length > 1 && !seen[run]) { seen[run] = true; out.push({ grams: bigramsOf(run) }); }
    });
    query.replace(CJK, " ").toLowerCase().split(/[^a-z0-9_\u00c0-\u024f]+/).forEach(function (w) {
      if (w.length < 3 || stop[w] || products[w] || seen[w]) return;
      if (!/[a-z]/.test(w) || /^\d/.test(w) || (/^[0-9a-f]+$/.test(w) && /[0-9]/.test(w))) return;
      seen[w] = true;
      out.push({ word: w });
    });
    return out.slice(0, 24);
  }

  function holds(text, word) {
    if (text.indexOf(word) >= 0) return true;
    var stem = word.replace(/(ing|ed|es|s)$/, "");
    return stem !== word && stem.length >= 4 && text.indexOf(stem) >= 0;
  }

  function idf(df, n) { return Math.log(1 + n / (df + 1)); }

  /* Share of the units' weight that `text` (folded, lower case) holds. */
  function coverage(units, weights, text) {
    var total = 0, held = 0;
    units.forEach(function (u, i) {
      var w = weights[i];
      total += w;
      if (u.word) { if (text && holds(text, u.word)) held += w; }
      else if (text) held += w * u.grams.filter(function (g) { return text.indexOf(g) >= 0; }).length / u.grams.length;
    });
    return total ? held / total : 0;
  }

  /* An entry's focus: titles and symptoms of its pages in every language, folded, lower case
   * (`text`, and each title or symptom alone: `lines`); its main product (the first product
   * link) and whether it is a triage tree. */
  var focusTexts = {};
  function entryFocus(id) {
    if (!focusTexts[id]) {
      focusTexts[id] = Promise.all(siteLangs().map(function (l) {
        return pageDoc((l === "en" ? "" : l + "/") + "entries/" + id + ".html").then(function (doc) {
          if (!doc) return null;
          var part = function (sel) {
            var el = doc.querySelector(sel);
            return el ? readable(el) : "";
          };
          var product = doc.querySelector("article a.product");
          var article = doc.querySelector("article.entry");
          var lines = [];
          doc.querySelectorAll("article h1, article .symptoms li").forEach(function (el) {
            lines.push(readable(el));
          });
          return {
            title: part("article h1"),
            symptoms: part("article .symptoms ul"),
            lines: lines,
            product: product ? product.textContent.trim().toLowerCase() : "",
            tree: !!(article && article.classList.contains("kind-tree"))
          };
        });
      })).then(function (pages) {
        pages = pages.filter(Boolean);
        var low = function (parts) { return fold(parts.join("\n")).toLowerCase(); };
        return {
          text: low(pages.map(function (p) { return p.title + "\n" + p.symptoms; })),
          lines: [].concat.apply([], pages.map(function (p) { return p.lines; })).map(function (l) {
            return fold(l).toLowerCase();
          }),
          product: pages.length ? pages[0].product : "",
          tree: pages.some(function (p) { return p.tree; })
        };
      });
    }
    return focusTexts[id];
  }
  function focusText(id) { return entryFocus(id).then(function (f) { return f.text; }); }

  /* The features of the verdict (exposed as window.kbConfidence for tests and measurement). */
  function confidence(pf, query, ids, scores, reduced) {
    var units = informative(query);
    var count = 0;
    units.forEach(function (u) { count += u.word ? 1 : u.grams.length; });
    var n = parseInt((document.querySelector("[data-search-output]") || html).getAttribute("data-entries") || "0", 10) || 1000;
    var terms = [];
    units.forEach(function (u) { if (u.word) terms.push(u.word); else terms = terms.concat(u.grams); });
    // the query names a product when a word of it is one (informative() leaves those out)
    var named = query.toLowerCase().split(/[^a-z0-9_]+/).some(function (w) { return products[w]; });
    return Promise.all([
      Promise.all(terms.map(function (t) { return dfOf(pf, t); })),
      focusText(ids[0]),
      ids.length > 1 ? focusText(ids[1]) : Promise.resolve(""),
      Promise.all(ids.slice(0, 5).map(entryFocus))
    ]).then(function (got) {
      var df = {};
      terms.forEach(function (t, i) { df[t] = got[0][i]; });
      var weights = units.map(function (u) {
        if (u.word) return idf(df[u.word], n) * (df[u.word] === 0 ? 2 : 1);
        return u.grams.reduce(function (a, g) { return a + idf(df[g], n); }, 0) / u.grams.length;
      });
      var sigs = window.kbSignatures && window.kbSignatures.entries;
      // another product's entry among the next four fits the words as well, and no title or
      // symptom of the first says them clearly better: the query does not say which product
      // (rank.py fits_other_product)
      var focus = got[3];
      var firstCov = coverage(units, weights, got[1]);
      // how well one title or symptom of an entry says the query (1..2, rank.symptom_match)
      // (rank.symptom_match: the share of one title's or symptom's own words and Chinese
      // bigrams that the query holds, so a short title the query says beats a long line that
      // holds one of its words: "monotonic time" is EMQX's title, not clock_gettime(CLOCK_MONOTONIC))
      var qWords = {}, qGrams = {};
      units.forEach(function (u) {
        if (u.word) qWords[u.word] = true; else u.grams.forEach(function (g) { qGrams[g] = true; });
      });
      var said = function (f) {
        return 1 + Math.max.apply(null, [0].concat(f.lines.map(function (l) {
          var held = 0, total = 0;
          (l.match(CJK) || []).forEach(function (run) {
            bigramsOf(run).forEach(function (g) { total += 1; if (qGrams[g]) held += 1; });
          });
          l.replace(CJK, " ").split(/[^a-z0-9\u00c0-\u024f]+/).forEach(function (w) {
            if (w.length < 3 || stop[w] || /^\d/.test(w)) return;
            total += 1;
            if (Object.keys(qWords).some(function (q) { return w.indexOf(q) === 0 || q.indexOf(w) === 0; })) held += 1;
          });
          return total ? held / total : 0;
        })));
      };
      var firstSaid = said(focus[0]);
      var otherProduct = !named && !focus[0].tree && focus.slice(1).some(function (o) {
        if (o.tree || !o.product || o.product === focus[0].product) return false;
        var cov = coverage(units, weights, o.text);
        return cov >= 0.9 && cov >= firstCov && firstSaid < 1.18 * said(o);
      });
      return {
        units: count,
        otherProduct: otherProduct,
        first: firstCov,
        second: ids.length > 1 ? coverage(units, weights, got[2]) : 0,
        lead: scores.length > 1 && scores[1] > 0 ? scores[0] / scores[1] : 10,
        reduced: !!reduced,
        signatures: !!(sigs && sigs[ids[0]])
      };
    });
  }

  /* The thresholds were chosen on tests/relevance/real.yaml (the development set; docs/site.md
   * gives the agreement with `kb search`): a typed query's words nearly all in the first result's
   * focus, a log's distinctive words half of them; and the first result ahead of the second,
   * by its focus or by its score. */
  function confident(f) {
    if (f.units < 2) return false; // a product name, one common word: many entries, no answer
    if (f.reduced && f.signatures && f.first < 0.6) return false; // a sibling message (rank.py)
    if (f.first < (f.reduced ? 0.5 : 0.9)) return false;
    if (f.otherProduct && !f.reduced) return false; // a symptom every broker has
    return f.first - f.second >= 0.5 || f.lead >= 1.2;
  }

  function fromPagefind(data, query) {
    var meta = data.meta || {};
    if (!ID.test(meta.id || "")) return Promise.resolve(null);
    return excerptOf(data, query).then(function (excerpt) {
      return {
        id: meta.id,
        title: meta["title_" + lang] || meta.title || meta.id,
        summary: meta["summary_" + lang] || meta.summary || "",
        excerpt: excerpt
      };
    });
  }

  /* --- the search box (every page) ---------------------------------------------------------- */

  /* One row high until the text needs more (a pasted log, a long line wrapping on a phone).
   * Setting style.height from a script is allowed by the page's CSP (no inline style). */
  function fit(box) {
    box.style.height = "auto";
    var cs = getComputedStyle(box);
    var border = (parseFloat(cs.borderTopWidth) || 0) + (parseFloat(cs.borderBottomWidth) || 0);
    var height = box.scrollHeight + border;
    box.style.height = height + "px";
    // a scroll bar only once the text is taller than the box may grow (site.css max-height)
    box.style.overflowY = height > (parseFloat(cs.maxHeight) || Infinity) ? "auto" : "hidden";
  }

  /* A query is kept in the address (?q=…) only when it is short: a pasted log of a few hundred
   * lines made an address of tens of KB, which servers refuse (414 URI Too Long) on the header
   * form's GET, on reload and on Back. A longer one is kept in sessionStorage under a short key
   * made from its text (?k=…), and in history.state, so Back and reload still find it. */
  var URL_MAX = 500;
  var STORE = "kbq:";
  function keyOf(text) {
    var h = 0x811c9dc5; // FNV-1a over the UTF-16 code units, and the length: stable, short
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(36) + text.length.toString(36);
  }
  function keep(text) {
    var key = keyOf(text);
    try {
      sessionStorage.setItem(STORE + key, text);
    } catch (e) {
      try { // full: forget the older pastes and try again
        for (var i = sessionStorage.length - 1; i >= 0; i--) {
          var k = sessionStorage.key(i);
          if (k && k.indexOf(STORE) === 0) sessionStorage.removeItem(k);
        }
        sessionStorage.setItem(STORE + key, text);
      } catch (e2) { return null; }
    }
    return key;
  }
  function kept(key) {
    try { return sessionStorage.getItem(STORE + key); } catch (e) { return null; }
  }
  /* The query an address stands for: ?q=…, or the text kept under ?k=… (history.state when the
   * tab's storage is gone). */
  function queryOf(loc, state) {
    var params = new URLSearchParams(loc.search);
    var q = params.get("q");
    if (q !== null) return q;
    var k = params.get("k");
    if (k === null) return null;
    var text = kept(k);
    if (text === null && state && typeof state.q === "string" && keyOf(state.q) === k) text = state.q;
    return text;
  }

  function attachBox(form, box, searchPage) {
    // the header form of every other page: a long paste goes to the search page through
    // sessionStorage, not in the address (where it made the request too long for the server)
    form.addEventListener("submit", function (ev) {
      if (searchPage || ev.defaultPrevented || box.value.length <= URL_MAX) return;
      var key = keep(box.value);
      if (key === null) return; // no storage: the form's GET, as without JavaScript
      ev.preventDefault();
      var target = new URL(form.getAttribute("action") || "", document.baseURI);
      target.search = "?k=" + encodeURIComponent(key);
      location.assign(target.href);
    });
    box.addEventListener("keydown", function (ev) {
      // Enter submits as in a search box; Shift+Enter is a new line; Enter that picks a
      // candidate in a Chinese input method (composing) is the input method's, not ours
      if (ev.key !== "Enter" || ev.shiftKey || ev.altKey || ev.isComposing || ev.keyCode === 229) return;
      ev.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
    box.addEventListener("input", function () { fit(box); });
    window.addEventListener("resize", function () { fit(box); });
    fit(box);
  }

  /* --- the search page ----------------------------------------------------------------------- */
  function attachPage(form, out) {
    var input = form.querySelector("[name=q]");
    var status = out.querySelector(".search-status");
    var logBox = out.querySelector(".log-matches");
    var logList = out.querySelector(".log-results");
    var textBox = out.querySelector(".text-matches");
    var textList = out.querySelector(".text-results");
    var wordsLine = out.querySelector(".search-words");
    var more = out.querySelector(".more-results");
    var textHeading = out.querySelector("#text-h");
    var msg = function (k) { return out.getAttribute("data-msg-" + k) || ""; };
    var keys = document.querySelector(".search-keys[data-js]");
    if (keys) keys.textContent = keys.getAttribute("data-js");
    (out.getAttribute("data-products") || "").split(" ").forEach(function (w) {
      if (w) products[w.toLowerCase()] = true;
    });
    var seq = 0;
    var timer = null;
    var pending = [];
    var pendingWords = [];
    var pendingQuery = "";
    var shownIds = {};

    function setStatus(text) { status.textContent = text || ""; }
    function searched(raw) { form.setAttribute("data-searched", raw); } // tests wait for this

    // whole sentences from kb/site/strings.py: "12 条结果。", not "12 条结果." put together here
    function countText(n) {
      return n === 1 ? msg("one") : msg("count").replace("{n}", String(n));
    }
    function logCount(n) { return msg("logcount").replace("{n}", String(n)); }

    function showMore(my) {
      var batch = pending.splice(0, PAGE);
      more.disabled = true;
      var query = pendingQuery;
      return Promise.all(batch.map(function (r) {
        return r.data().then(function (d) { return fromPagefind(d, query); });
      })).then(function (results) {
        if (my !== seq) return;
        results.forEach(function (r) {
          if (!r) return;
          var li = resultItem(r, pendingWords);
          if (shownIds[r.id]) li.classList.add("also-log");
          textList.appendChild(li);
        });
        more.hidden = pending.length === 0;
        more.disabled = false;
      });
    }

    more.addEventListener("click", function () {
      var first = textList.children.length;
      showMore(seq).then(function () {
        var next = textList.children[first];
        var link = next && next.querySelector("a");
        if (link) link.focus();
      });
    });

    function run() {
      var raw = input.value;
      var my = ++seq;
      clear(logList); clear(textList); clear(wordsLine);
      logBox.hidden = true; textBox.hidden = true; more.hidden = true; more.disabled = false;
      pending = []; shownIds = {};
      if (!raw.trim()) { setStatus(msg("empty")); searched(raw); return; }
      // a paste longer than the cap is searched in part: say so (logMatches reads MAX_LOG)
      var cut = raw.length > MAX_LOG ? msg("cut") + " " : "";
      var logs = logMatches(raw);
      logs.forEach(function (r) {
        shownIds[r.id] = true;
        logList.appendChild(resultItem(r, []));
      });
      logBox.hidden = logs.length === 0;
      if (location.protocol === "file:") {
        setStatus(cut + (logs.length ? logCount(logs.length) + " " : "") + msg("file"));
        searched(raw);
        return;
      }
      setStatus(msg("loading"));
      var query = fold(raw); // Traditional -> Simplified, as the index was built
      textSearch(query).then(function (res) {
        if (my !== seq) return null;
        pending = res.results.slice();
        pendingQuery = query;
        pendingWords = res.words || query.replace(CJK, function (r) { return " " + r + " "; }).split(/[^A-Za-z0-9_\u00c0-\u024f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+/).filter(function (w) { return w.length > 1; });
        if (res.words && res.words.length) {
          wordsLine.textContent = msg("words").replace("{words}", res.words.map(runOf).join(" "));
        }
        var n = res.results.length;
        textBox.hidden = n === 0;
        // As in `kb search`: a signature match is the answer; so is a first result holding every
        // word typed (not a reduced log) in its title or summary; the rest is related reading.
        textHeading.textContent = logs.length || res.words ? msg("related") : msg("results");
        var parts = cut ? [cut.trim()] : [];
        if (logs.length) parts.push(logCount(logs.length));
        parts.push(n === 0 && !logs.length ? msg("none") : countText(n));
        return showMore(my).then(function () {
          if (my !== seq || logs.length || !n) return null;
          var ids = res.results.slice(0, 2).map(function (r) { return r.id; });
          return pagefind().then(function (pf) {
            // Pagefind's ids are its page ids: the entry ids are in the results shown
            // the first five: the second for the lead, the next for another product's entry
            var shown = Array.prototype.slice.call(textList.querySelectorAll("a.result-link"), 0, 5)
              .map(function (a) { return a.getAttribute("href").split("/").pop().replace(/\.html$/, ""); });
            var scores = res.scores || res.results.slice(0, 2).map(function (r) { return r.score || 0; });
            return ids.length && shown.length ? confidence(pf, query, shown, scores, !!res.words) : null;
          });
        }).then(function (f) {
          if (my !== seq) return;
          window.kbConfidence = f;
          var best = !!f && confident(f);
          if (best) {
            textHeading.textContent = msg("results");
            var badge = document.createElement("span");
            badge.className = "badge best";
            badge.textContent = msg("best");
            textList.firstChild.insertBefore(badge, textList.firstChild.children[1] || null);
          }
          if (n > 0 && !logs.length && !best) parts.push(msg("noconfident"));
          setStatus(parts.join(" ").replace(/。 /g, "。")); // no space after a Chinese stop
          searched(raw);
        });
      }).catch(function () {
        if (my !== seq) return;
        setStatus(cut + (logs.length ? logCount(logs.length) + " " : "") + msg("failed"));
        searched(raw);
      });
    }

    function keepInUrl() {
      if (!history.replaceState) return;
      try {
        var u = new URL(location.href);
        var text = input.value;
        u.searchParams.delete("q"); u.searchParams.delete("k");
        if (text.length > URL_MAX) {
          var key = keep(text);
          if (key !== null) u.searchParams.set("k", key);
        } else if (text) u.searchParams.set("q", text);
        history.replaceState(text ? { q: text } : null, "", u.href);
      } catch (e) { /* file:// in some browsers: the URL cannot change */ }
      langLinks();
    }

    /* The other language's link carries the search (?q= or ?k=; the tab's storage is shared by
     * both languages' pages): 中文 on a search page opened the Chinese search page empty. */
    function langLinks() {
      Array.prototype.forEach.call(document.querySelectorAll("a.lang-switch"), function (a) {
        a.setAttribute("href", a.getAttribute("href").split("?")[0] + location.search);
      });
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearTimeout(timer);
      keepInUrl();
      run();
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      keepInUrl();
      timer = setTimeout(run, 150);
    });

    // keyboard: ↓ from the box to the first result, ↑/↓ between results, Esc back to the box
    function links() { return Array.prototype.slice.call(out.querySelectorAll(".search-results a.result-link, .more-results:not([hidden])")); }
    input.addEventListener("keydown", function (ev) {
      // from the last line of the box only: above it, ↓ moves the caret down the pasted log
      if (ev.key === "ArrowDown" && input.value.indexOf("\n", input.selectionEnd) < 0) {
        var all = links();
        if (all.length) { ev.preventDefault(); all[0].focus(); }
      }
    });
    out.addEventListener("keydown", function (ev) {
      var all = links();
      var i = all.indexOf(document.activeElement);
      if (i < 0) return;
      if (ev.key === "ArrowDown" && i + 1 < all.length) { ev.preventDefault(); all[i + 1].focus(); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); if (i > 0) all[i - 1].focus(); else input.focus(); }
      else if (ev.key === "Escape") { ev.preventDefault(); input.focus(); }
    });
    out.addEventListener("focusin", function (ev) {
      var items = out.querySelectorAll(".search-results li.active");
      for (var k = 0; k < items.length; k++) items[k].classList.remove("active");
      var li = ev.target.closest ? ev.target.closest(".search-results li") : null;
      if (li) li.classList.add("active");
    });

    var q = queryOf(location, history.state);
    if (q) { input.value = q; fit(input); }
    if (q && q.length > URL_MAX && new URLSearchParams(location.search).get("q") !== null) {
      keepInUrl(); // an old long ?q= link: the address is made short
    }
    langLinks();
    if (input.value) run(); else setStatus("");
    // Back/forward from a result: the page may come from the cache with the old results
    window.addEventListener("pageshow", function (ev) {
      if (ev.persisted) {
        var again = queryOf(location, history.state);
        if (again !== null && again !== input.value) { input.value = again; fit(input); run(); }
      }
    });
  }

  function init() {
    var out = document.querySelector("[data-search-output]");
    var form = document.querySelector("form[data-search]");
    var box = form && form.querySelector("[name=q]");
    if (!form || !box) return;
    attachBox(form, box, !!out);
    if (!out) return; // other pages: the header form submits to the search page
    attachPage(form, out);
  }
  window.kbLogMatches = function (raw) { return logMatches(raw).map(function (r) { return r.id; }); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
