// Copy buttons: <button type="button" data-copy="ID"> (or "#ID", any CSS
// selector) copies the value of that field, a secret shown once, to the
// clipboard. A file of its own, as the CSP allows no inline script.
document.addEventListener("click", function (e) {
  var b = e.target.closest("button[data-copy]");
  if (!b) return;
  var ref = b.getAttribute("data-copy");
  var el = ref.charAt(0) === "#" ? document.querySelector(ref) : document.getElementById(ref);
  if (!el) return;
  var text = el.value !== undefined ? el.value : el.textContent;
  var done = function () { b.textContent = "Copied"; };
  // The old way works where the clipboard API is refused (no permission,
  // not a secure context): select the field and copy.
  var fallback = function () {
    if (el.select) el.select();
    if (document.execCommand("copy")) done();
  };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(text).then(done, fallback);
  } else {
    fallback();
  }
});
