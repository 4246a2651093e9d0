// Package http serves Porter's API: the seed-000 .php endpoints, the v1
// resource API, the OpenAPI spec and docs, and the invitation pages.
package http

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"porter"
	"porter/stream"
)

// Config is what the HTTP layer needs beyond the service.
type Config struct {
	BaseURL          string // public URL, for links
	DefaultRateLimit int    // requests per minute per key (PORTER_RATE_LIMIT)
	MaxBodyBytes     int64  // JSON request bodies
	UploadDir        string // where documents are kept
	MaxUploadBytes   int64  // document uploads
	// AuthFailureLimit is failed authentications per minute per client
	// address before 429 (default DefaultAuthFailureLimit; negative: none).
	AuthFailureLimit int
	// TrustForwardedFor takes the client address from X-Forwarded-For, for
	// a node behind a proxy (PORTER_TRUST_FORWARDED_FOR).
	TrustForwardedFor bool
	Version           string
	// Stream serves GET /v1/events/stream; nil: this node does not.
	Stream          *stream.Hub
	StreamHeartbeat time.Duration // default DefaultStreamHeartbeat
	// APIKeyCacheTTL is how long an API key read for a request serves
	// later ones without a database read (PORTER_API_KEY_CACHE_TTL):
	// 0 is DefaultAPIKeyCacheTTL, negative reads every time.
	APIKeyCacheTTL time.Duration
}

// Server is Porter's HTTP API.
type Server struct {
	svc    *porter.Service
	store  porter.Store
	cfg    Config
	logger *slog.Logger
	mux    *http.ServeMux
	routes []*route
	now    func() time.Time

	lastTouch    sync.Map // key id -> when last_used_at was last written
	authFailures *authLimiter
	keys         *keyCache

	// idempotencyStored, when set (tests), learns where each keyed POST's
	// response was stored: in its write's transaction, or after it.
	idempotencyStored func(method, route string, inWrite bool)
}

// NewServer returns the API as one handler.
func NewServer(svc *porter.Service, cfg Config, logger *slog.Logger) *Server {
	if cfg.DefaultRateLimit <= 0 {
		cfg.DefaultRateLimit = 60
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if cfg.AuthFailureLimit == 0 {
		cfg.AuthFailureLimit = DefaultAuthFailureLimit
	}
	if cfg.APIKeyCacheTTL == 0 {
		cfg.APIKeyCacheTTL = DefaultAPIKeyCacheTTL
	}
	if logger == nil {
		logger = slog.Default()
	}
	s := &Server{svc: svc, store: svc.Store, cfg: cfg, logger: logger, mux: http.NewServeMux(), now: svc.Now,
		authFailures: newAuthLimiter(cfg.AuthFailureLimit), keys: newKeyCache(cfg.APIKeyCacheTTL)}
	s.addRoutes()
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		}
	}()
	if strings.HasPrefix(r.URL.Path, "/v1/") {
		if _, pattern := s.mux.Handler(r); pattern == "" {
			s.noRoute(w, r)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// noRoute answers a /v1 request that no route takes, in problem+json like
// every other v1 error: 405 with Allow when the path exists for other
// methods, else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	r = r.WithContext(context.WithValue(r.Context(), routeCtx, &route{API: v1API}))
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.writeError(w, r, &porter.Error{Code: eMethodNotAllowed, Message: r.Method + " is not allowed here; use " + strings.Join(allow, ", ")})
		return
	}
	s.writeError(w, r, porter.Errorf(porter.ENOTFOUND, "no endpoint at %s %s; see /docs", r.Method, r.URL.Path))
}

// Endpoints lists every route as "METHOD /path" with the API family and
// whether it needs a key, for tests and tools.
func (s *Server) Endpoints() []Endpoint {
	out := make([]Endpoint, len(s.routes))
	for i, rt := range s.routes {
		out[i] = Endpoint{Method: rt.Method, Path: rt.Path, Authenticated: rt.API != pageAPI && rt.API != hookAPI, Scope: rt.Scope}
	}
	return out
}

// Endpoint describes one route.
type Endpoint struct {
	Method        string
	Path          string
	Authenticated bool
	Scope         string
}
