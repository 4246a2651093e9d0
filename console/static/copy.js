// Copy buttons: <button type="button" data-copy="ID"> copies the value of
// the element with that id (a secret shown once) to the clipboard.
document.addEventListener("click", function (e) {
  var b = e.target.closest("button[data-copy]");
  if (!b) return;
  var el = document.getElementById(b.dataset.copy);
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
