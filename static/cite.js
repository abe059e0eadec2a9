// summitkb: puts the reader's date into the access-date slot (引用日期) of
// the citations in templates/cite_controls.html. Loaded right after them,
// not deferred, so the copy buttons (app.js, deferred) copy the dated text.
(function () {
  "use strict";
  var d = new Date();
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var today = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  document.querySelectorAll("textarea[data-accessed-slot]").forEach(function (t) {
    t.textContent = t.textContent.split("[引用日期]").join("[" + today + "]");
  });
})();
