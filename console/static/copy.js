// Copy buttons: <button data-copy="ID"> copies the value of the element
// with that id (a once-shown password or key). Without the Clipboard API
// (plain http on a non-local host) it selects the text for Ctrl+C.
document.addEventListener('click', function (e) {
  var b = e.target.closest('[data-copy]');
  if (!b) return;
  var el = document.getElementById(b.getAttribute('data-copy'));
  if (!el) return;
  el.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(el.value).then(function () { b.textContent = 'Copied'; });
  } else {
    b.textContent = 'Selected: press Ctrl+C';
  }
});
