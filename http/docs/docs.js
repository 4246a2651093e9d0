// Starts Redoc on this server's OpenAPI document. Problem type URIs point
// at /docs/problems#problem-<code>; older /docs#problem-<code> links land there too.
(function () {
  if (location.hash.indexOf('#problem-') === 0) {
    location.replace('/docs/problems' + location.hash);
    return;
  }
  var system = 'system-ui, -apple-system, "Segoe UI", sans-serif';
  Redoc.init('/v1/openapi.json', {
    expandResponses: '200,201',
    jsonSampleExpandLevel: 3,
    theme: {
      typography: {
        fontFamily: system,
        headings: { fontFamily: system },
        code: { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' }
      }
    }
  }, document.getElementById('redoc'));
})();
