// Porter console: the little that needs script (the CSP allows no inline
// script). Pages work without it.
"use strict";
// An upload form marked data-progress="ID" shows its progress in the
// <progress id="ID">, from htmx's xhr progress events.
document.addEventListener("htmx:xhr:progress", function (e) {
  var form = e.target.closest && e.target.closest("form[data-progress]");
  if (!form || !e.detail.lengthComputable) return;
  var bar = document.getElementById(form.dataset.progress);
  if (!bar) return;
  bar.hidden = false;
  bar.value = Math.round((e.detail.loaded * 100) / e.detail.total);
});
// A refused upload (400, 413, 415) answers with the page and its message:
// show it, as the browser would without htmx.
document.addEventListener("htmx:beforeSwap", function (e) {
  var elt = e.detail.requestConfig && e.detail.requestConfig.elt;
  if (elt && elt.closest && elt.closest("form[data-progress]") && e.detail.xhr.status >= 400 && e.detail.xhr.status < 500) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  }
});
