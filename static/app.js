// summitkb: small enhancements. Every page works without this script.
(function () {
  "use strict";

  // Copy-citation buttons: shown only when the clipboard can be used. They
  // copy an element's text (data-copy-target), or paragraph n's citation
  // from the template the source page carries once (data-copy-paragraph).
  var template = document.querySelector("[data-citation]");
  document.querySelectorAll("button.copy[data-copy-target], button.copy[data-copy-paragraph]").forEach(function (btn) {
    var target = document.getElementById(btn.getAttribute("data-copy-target"));
    var n = btn.getAttribute("data-copy-paragraph");
    var text = target ? target.textContent.trim()
      : (n && template ? template.getAttribute("data-citation").split("{n}").join(n) : "");
    if (!text || !navigator.clipboard) return;
    btn.hidden = false;
    var label = btn.innerHTML;
    btn.addEventListener("click", function () {
      navigator.clipboard.writeText(text).then(function () {
        btn.textContent = "已复制 Copied";
        setTimeout(function () { btn.innerHTML = label; }, 2000);
      }, function () {
        btn.textContent = "请手动复制 Copy by hand";
      });
    });
  });

  // Search facets: open beside the results on wide screens, for browsers
  // whose stylesheet cannot show a closed <details>; a phone keeps them closed.
  var facets = document.querySelector("details.facets");
  if (facets && window.matchMedia && window.matchMedia("(min-width: 40.01rem)").matches) {
    facets.open = true;
  }

  // Suggestions while typing, from /api/suggest; arrow keys and Enter choose.
  var input = document.querySelector("input[data-suggest]");
  var list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) return;
  var endpoint = input.getAttribute("data-suggest");
  var items = [];
  var active = -1;
  var timer = null;
  var seq = 0;

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(i) {
    items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
    active = i;
    if (i >= 0) input.setAttribute("aria-activedescendant", items[i].id);
  }

  // The English edition: suggestions lead to English pages, named in
  // English where the record has an English name.
  var english = input.dataset.edition === "en";

  function show(suggestions) {
    close();
    if (!suggestions.length) return;
    suggestions.forEach(function (s, i) {
      var li = document.createElement("li");
      var url = english && s.url.charAt(0) === "/" ? "/en" + s.url : s.url;
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.dataset.url = url;
      if (english) {
        li.textContent = s.english || s.title;
        if (!s.english) li.lang = "zh-Hans";
      } else {
        li.textContent = s.title;
      }
      if (s.english && !english) {
        var en = document.createElement("span");
        en.className = "en";
        en.lang = "en";
        en.textContent = " " + s.english;
        li.appendChild(en);
      }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); window.location.href = url; });
      list.appendChild(li);
      items.push(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q) { close(); return; }
    timer = setTimeout(function () {
      var mine = ++seq;
      fetch(endpoint + "?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === seq) show(data.suggestions || []); })
        .catch(close);
    }, 120);
  });

  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % items.length); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight((active - 1 + items.length) % items.length); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); window.location.href = items[active].dataset.url; }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
