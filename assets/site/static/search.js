/* kbtui site search: Pagefind's JS API, results built with textContent (never innerHTML).
 *
 * The Pagefind binary from PyPI does not segment Chinese, so the exporter indexes Chinese runs as
 * overlapping bigrams (kb/site/cjk.py) and cjkBigrams() splits the query the same way; Pagefind
 * requires every query word, so "时钟回拨" → "时钟 钟回 回拨" behaves like a phrase search.
 * Keep the character ranges in step with kb/site/cjk.py.
 */
(function () {
  "use strict";
  var html = document.documentElement;
  var root = html.getAttribute("data-root") || "./";
  var lang = html.getAttribute("data-lang") || "en";
  var prefix = lang === "en" ? "" : lang + "/";
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+/g;
  var ID = /^[a-z0-9][a-z0-9-]{0,120}$/;

  function cjkBigrams(query) {
    return query.replace(CJK, function (run) {
      if (run.length < 2) return " " + run + " ";
      var out = [];
      for (var i = 0; i < run.length - 1; i++) out.push(run.slice(i, i + 2));
      return " " + out.join(" ") + " ";
    }).replace(/\s+/g, " ").trim();
  }
  window.kbCjkBigrams = cjkBigrams;

  var loading = null;
  function pagefind() {
    if (!loading) {
      var url = new URL(root + "pagefind/pagefind.js", document.baseURI).href;
      loading = import(url).then(function (pf) {
        return Promise.resolve(pf.options({})).then(function () { return pf; });
      });
    }
    return loading;
  }

  function setStatus(el, text) {
    el.hidden = !text;
    el.textContent = text || "";
  }

  function renderResults(list, items) {
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (data) {
      var meta = data.meta || {};
      if (!ID.test(meta.id || "")) return;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "result-link";
      a.setAttribute("href", root + prefix + "entries/" + meta.id + ".html");
      a.textContent = meta["title_" + lang] || meta.title || meta.id;
      li.appendChild(a);
      var p = document.createElement("p");
      p.textContent = meta["summary_" + lang] || meta.summary || "";
      li.appendChild(p);
      list.appendChild(li);
    });
    list.hidden = !list.firstChild;
  }

  function attach(form) {
    var input = form.querySelector("input[name=q]");
    var status = form.parentNode.querySelector(".search-status");
    var list = form.parentNode.querySelector(".search-results");
    if (!input || !status || !list) return;
    var seq = 0;
    var timer = null;

    function run() {
      var raw = input.value.trim();
      var my = ++seq;
      if (!raw) { setStatus(status, ""); renderResults(list, []); return; }
      if (location.protocol === "file:") { setStatus(status, status.getAttribute("data-msg-file")); return; }
      setStatus(status, status.getAttribute("data-msg-loading"));
      pagefind().then(function (pf) {
        return pf.search(cjkBigrams(raw));
      }).then(function (res) {
        if (my !== seq) return null;
        var top = (res && res.results ? res.results : []).slice(0, 20);
        return Promise.all(top.map(function (r) { return r.data(); })).then(function (datas) {
          if (my !== seq) return;
          renderResults(list, datas);
          var n = res.results.length;
          var msg = n === 0 ? status.getAttribute("data-msg-none")
            : n === 1 ? status.getAttribute("data-msg-one")
            : status.getAttribute("data-msg-count").replace("{n}", String(n));
          setStatus(status, msg);
          form.setAttribute("data-searched", raw);
        });
      }).catch(function () {
        if (my === seq) setStatus(status, status.getAttribute("data-msg-file"));
      });
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearTimeout(timer);
      run();
      if (history.replaceState && location.protocol !== "file:") {
        var u = new URL(location.href);
        u.searchParams.set("q", input.value);
        history.replaceState(null, "", u.href);
      }
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    });
    var q = new URLSearchParams(location.search).get("q");
    if (q) { input.value = q; run(); }
  }

  function init() {
    var forms = document.querySelectorAll("form[data-search]");
    for (var i = 0; i < forms.length; i++) attach(forms[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
