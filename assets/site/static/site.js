/* kbtui site: small enhancements that need JavaScript (every page works without it).
 * Copy buttons on code blocks: the text is copied from the code element, never from markup. */
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }
  function init() {
    var body = document.body;
    var label = body.getAttribute("data-copy") || "Copy";
    var done = body.getAttribute("data-copied") || "Copied";
    var blocks = document.querySelectorAll("main pre");
    for (var i = 0; i < blocks.length; i++) {
      (function (pre) {
        var wrap = document.createElement("div");
        wrap.className = "code-wrap";
        pre.parentNode.insertBefore(wrap, pre);
        wrap.appendChild(pre);
        var button = document.createElement("button");
        button.type = "button";
        button.className = "copy";
        button.textContent = label;
        button.addEventListener("click", function () {
          var code = pre.querySelector("code") || pre;
          copyText(code.textContent).then(function () {
            button.textContent = done;
            setTimeout(function () { button.textContent = label; }, 1500);
          }, function () { /* nothing copied: the text stays selectable */ });
        });
        wrap.appendChild(button);
      })(blocks[i]);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
