package http

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"porter"
)

// The API reference at /docs is Redoc, embedded so that it works with no
// internet access (see docs/README.md); it reads /v1/openapi.json from
// this server.

//go:embed docs/index.html docs/docs.js docs/redoc.standalone.js docs/redoc.standalone.js.LICENSE.txt docs/LICENSE.redoc
var docsFS embed.FS

// docsCSP keeps the reference from loading anything from elsewhere, even
// if a future Redoc tried: scripts, styles, images and requests stay on
// this origin (Redoc's styles are inline, its search worker a blob).
const docsCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// docsAssets are the files served under /docs/, by name.
var docsAssets = map[string]string{
	"redoc.standalone.js":             "text/javascript; charset=utf-8",
	"docs.js":                         "text/javascript; charset=utf-8",
	"redoc.standalone.js.LICENSE.txt": "text/plain; charset=utf-8",
	"LICENSE.redoc":                   "text/plain; charset=utf-8",
	"index.html":                      "text/html; charset=utf-8", // served at /docs
}

// asset is one embedded file, with its ETag and, made on first use, its
// gzip form (the Redoc bundle shrinks from 1.1 MB to about 330 kB).
type asset struct {
	body  []byte
	etag  string
	once  sync.Once
	gzbuf []byte
}

var (
	assetsMu sync.Mutex
	assets   = map[string]*asset{}
)

func loadAsset(name string) *asset {
	assetsMu.Lock()
	defer assetsMu.Unlock()
	if a, ok := assets[name]; ok {
		return a
	}
	b, err := docsFS.ReadFile("docs/" + name)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(b)
	a := &asset{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	assets[name] = a
	return a
}

func (a *asset) gzipped() []byte {
	a.once.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(a.body)
		zw.Close()
		a.gzbuf = buf.Bytes()
	})
	return a.gzbuf
}

// serveAsset writes an embedded file, gzipped when the client accepts it,
// with an ETag so that browsers revalidate instead of downloading again.
func serveAsset(w http.ResponseWriter, r *http.Request, name string) error {
	ctype, ok := docsAssets[name]
	a := loadAsset(name)
	if !ok || a == nil {
		return porter.Errorf(porter.ENOTFOUND, "no such file: /docs/%s", name)
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if strings.HasPrefix(ctype, "text/html") {
		h.Set("Content-Security-Policy", docsCSP)
	}
	body := a.body
	etag := a.etag
	if acceptsGzip(r) && len(body) > 1024 {
		body = a.gzipped()
		etag = strings.TrimSuffix(etag, `"`) + `-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	return nil
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func (s *Server) handleDocs() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error { return serveAsset(w, r, "index.html") }
}

func (s *Server) handleDocsAsset() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		name := r.PathValue("file")
		if name == "index.html" {
			http.Redirect(w, r, "/docs", http.StatusMovedPermanently)
			return nil
		}
		return serveAsset(w, r, name)
	}
}

// problemDoc explains one problem type at /docs/problems#problem-<code>.
type problemDoc struct {
	Text    string // what it means and what to do
	Example string // a typical detail
}

var problemDocs = map[string]problemDoc{
	porter.EINVALID: {"The request is malformed or a field fails validation: `errors` lists each field at fault and what is wrong with it. Nothing was written; fix the request before sending it again.",
		"email is required"},
	porter.EFORBIDDEN: {"The API key is valid but lacks the scope this operation needs; `detail` names it. Use a key with that scope (`x:write` includes `x:read`).",
		"this API key lacks the tenants:write scope"},
	porter.ENOTFOUND: {"No such resource in your organization. Ids that belong to another organization are not found too.",
		"tenant 42 not found"},
	porter.ECONFLICT: {"The resource is in a state that does not allow this (`detail` names its current status), or a request with the same Idempotency-Key is still in progress.",
		"lease 7 is active; only a draft lease can be activated"},
	porter.ETOOLARGE: {"The request body is larger than the server accepts.",
		"request body is larger than 1048576 bytes"},
	eUnsupportedMedia: {"The body is not sent as `application/json` (or as `multipart/form-data` for uploads).",
		`Content-Type must be application/json, not "text/plain"`},
	eMethodNotAllowed: {"The path exists but not for this method; the `Allow` header lists the methods it takes.",
		"DELETE is not allowed here; use GET, PATCH"},
	porter.EUNPROCESS: {"The Idempotency-Key was already used with a different request body. Use a new key for a new request.",
		"this Idempotency-Key was used with another request body"},
	porter.ERATELIMIT: {"The key has used up its requests for this minute. Wait the number of seconds in `Retry-After`; `X-RateLimit-Reset` says when the window resets.",
		"rate limit of 60 requests per minute exceeded; retry in 12 seconds"},
}

var problemsPage = template.Must(template.New("problems").Funcs(template.FuncMap{"code": codeHTML}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Problem types · Porter API</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#222}
h2{margin-top:2rem;font-size:1.2rem}code{font:.9em ui-monospace,monospace;background:#f3f3f3;padding:0 .2em}
pre{background:#f3f3f3;padding:.8rem;overflow:auto}:target{background:#fff8d6}section{padding:.2rem .6rem}</style></head>
<body>
<p><a href="/docs">← API reference</a></p>
<h1>Problem types</h1>
<p>v1 endpoints answer errors as RFC 9457 <code>application/problem+json</code>. The <code>type</code> member is a URI ending in
<code>#problem-&lt;code&gt;</code>; each is described below. A missing or invalid API key is 401 with the body
<code>{"error":"unauthorized","message":"Missing or invalid Bearer token"}</code> on every API.</p>
<pre>{
  "type": "{{.Base}}/docs/problems#problem-invalid",
  "title": "Invalid request",
  "status": 400,
  "detail": "email is required",
  "errors": [{"field": "email", "message": "is required"}]
}</pre>
{{range .Problems}}<section id="problem-{{.Code}}">
<h2>{{.Status}} {{.Title}} <code>{{.Code}}</code></h2>
<p>{{code .Text}}</p>
<p>Example <code>detail</code>: <code>{{.Example}}</code></p>
</section>
{{end}}</body></html>`))

// codeHTML renders `code` spans of a problem's text.
func codeHTML(s string) template.HTML {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		p = template.HTMLEscapeString(p)
		if i%2 == 1 {
			p = "<code>" + p + "</code>"
		}
		b.WriteString(p)
	}
	return template.HTML(b.String())
}

func (s *Server) handleProblems() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		type row struct {
			Code, Title, Text, Example string
			Status                     int
		}
		var rows []row
		for _, code := range problemCodes {
			d := problemDocs[code]
			rows = append(rows, row{code, titleOf(code), d.Text, d.Example, statusOf(code)})
		}
		var page bytes.Buffer
		if err := problemsPage.Execute(&page, map[string]any{"Base": strings.TrimRight(s.cfg.BaseURL, "/"), "Problems": rows}); err != nil {
			return fmt.Errorf("render /docs/problems: %w", err)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", docsCSP)
		serveRevalidated(w, r, page.Bytes())
		return nil
	}
}

// serveRevalidated writes a generated body with a strong ETag of its
// content, so that clients revalidate (304) instead of downloading again.
func serveRevalidated(w http.ResponseWriter, r *http.Request, body []byte) {
	sum := sha256.Sum256(body)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}
