// Package console is Porter's web console: server-rendered pages (with
// htmx, embedded) for an organization's people, signed in with email and
// password. It calls the same porter.Service as the API, so every rule and
// event is the API's.
package console

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"porter"
	porterhttp "porter/http"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the console needs beyond the service.
type Config struct {
	BaseURL string // public URL: https makes the session cookie Secure
	// TrustForwardedFor takes the client address from X-Forwarded-For, for
	// rate limiting sign-ins behind a proxy.
	TrustForwardedFor bool
	// UploadDir and MaxUploadBytes are the API's document storage and limit
	// (porter/http.Config's): the console uploads and downloads the same files.
	UploadDir      string
	MaxUploadBytes int64
	// GuestSender says a sender of messages to guests is configured
	// (PORTER_WHATSAPP_URL); without one they stay queued, and the
	// messages page says so.
	GuestSender bool
}

// Console serves the console's pages.
type Console struct {
	svc     *porter.Service
	cfg     Config
	logger  *slog.Logger
	pages   map[string]*template.Template
	mux     *http.ServeMux
	signIns *signInLimiter
	secure  bool
	csrf    *http.CrossOriginProtection
	files   porterhttp.DocumentFiles
}

// New returns the console.
func New(svc *porter.Service, cfg Config, logger *slog.Logger) *Console {
	if logger == nil {
		logger = slog.Default()
	}
	c := &Console{svc: svc, cfg: cfg, logger: logger, mux: http.NewServeMux(),
		signIns: newSignInLimiter(svc.Now), secure: strings.HasPrefix(cfg.BaseURL, "https://")}
	c.pages = parsePages()
	c.files = porterhttp.DocumentFiles{Dir: cfg.UploadDir, MaxBytes: cfg.MaxUploadBytes}
	// Browsers say where a request comes from (Sec-Fetch-Site, Origin): a
	// state-changing request from another site is refused, whatever cookie
	// it carries. SameSite=Lax on the cookie is the second line.
	c.csrf = http.NewCrossOriginProtection()
	c.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.render(w, http.StatusForbidden, "error", view{Title: "Forbidden", Data: "This request came from another site and was refused."})
	}))
	c.routes()
	return c
}

// consolePaths are the console's top-level paths; the API keeps the rest
// (/v1, /api, /docs, /hooks, ...).
var consolePaths = []string{"/login", "/logout", "/static", "/properties", "/units", "/tenants", "/leases",
	"/charges", "/payments", "/work-orders", "/inspections", "/vendors", "/staff", "/documents", "/broadcasts",
	"/catalog", "/settings", "/bookings", "/calendar", "/rates", "/owners", "/invoices", "/reviews",
	"/cleaning", "/guest-messages", "/statements", "/tax-reports", "/ical-sources",
	"/assets", "/certificates", "/meters", // facilities
	"/defects", "/visitor-passes", "/amenities", // facilities: defects, visitor passes, amenities
}

// Mount serves the console's paths and hands every other one to api.
func (c *Console) Mount(api http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", api)
	mux.Handle("/{$}", c)
	for _, p := range consolePaths {
		mux.Handle(p, c)
		mux.Handle(p+"/", c)
	}
	return mux
}

var funcs = template.FuncMap{
	"stamp": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"pstamp": func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"join": strings.Join,
}

func parsePages() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html"))
	pages := map[string]*template.Template{}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		pages[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
	}
	return pages
}

// contentSecurityPolicy allows only this server's own scripts and styles:
// no inline script, no outside host.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	c.csrf.Handler(c.mux).ServeHTTP(w, r)
}

// view is what a page template gets.
type view struct {
	Title string
	Nav   string
	User  *porter.User
	Data  any
}

func (c *Console) render(w http.ResponseWriter, status int, page string, v view) {
	var buf bytes.Buffer
	if err := c.pages[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		c.logger.Error("console: render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail renders the page for an error: a record of another organization
// reads as absent (404), bad input as 400, anything unexpected as 500.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, u *porter.User, err error) {
	var e *porter.Error
	status, title, msg := http.StatusInternalServerError, "Something went wrong", "Porter could not show this page. Try again in a moment."
	if errors.As(err, &e) {
		switch e.Code {
		case porter.ENOTFOUND:
			status, title, msg = http.StatusNotFound, "Not found", "There is nothing here: the record does not exist or is not yours."
		case porter.EINVALID, porter.EUNPROCESS:
			status, title, msg = http.StatusBadRequest, "Bad request", e.Message
		case porter.ECONFLICT:
			status, title, msg = http.StatusConflict, "Conflict", e.Message
		case porter.EFORBIDDEN:
			status, title, msg = http.StatusForbidden, "Forbidden", e.Message
		}
	}
	if status == http.StatusInternalServerError {
		c.logger.Error("console: page failed", "path", r.URL.Path, "err", err)
	}
	c.render(w, status, "error", view{Title: title, User: u, Data: msg})
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.fail(w, r, u, porter.Errorf(porter.ENOTFOUND, "not found"))
}
