// summitkb: a link to cited words (#p10:~:text=…) whose words are no longer
// in the text. Chromium then neither scrolls nor marks anything; this goes
// to the paragraph the link names instead, and marks it as :target would.
// The browser strips the directive before scripts run, so location.hash is
// #p10: if that paragraph is out of view a moment after load (Chromium
// scrolls to a match once the page has loaded), no words in it matched.
(function () {
  "use strict";
  if (!document.fragmentDirective) return;
  var id = decodeURIComponent(location.hash.slice(1));
  var el = id && document.getElementById(id);
  if (!el || el.matches(":target")) return;
  window.addEventListener("load", function () {
    setTimeout(function () {
      var r = el.getBoundingClientRect();
      if (r.bottom > 0 && r.top < window.innerHeight) return;
      el.classList.add("fragment-fallback");
      el.scrollIntoView();
    }, 300);
  });
})();
