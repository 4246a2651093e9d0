package http

import (
	"context"
	"net/http"

	"porter"
)

// api tells which contract a route belongs to: it decides the error format.
type api int

const (
	seedAPI api = iota // seed 000's .php endpoints: {"error": "…"}
	v1API              // /v1: RFC 9457 problem+json
	pageAPI            // HTML pages and public documents: no key
	// hookAPI: inbound receivers (integrations). No key: the call's
	// signature authenticates it; errors are problem+json as in v1.
	hookAPI
)

// route is one endpoint and what the OpenAPI spec says of it. The spec is
// generated from these, so the docs cannot drift from the handlers.
type route struct {
	Method   string
	Path     string // ServeMux pattern path, e.g. /v1/tenants/{id}
	API      api
	Scope    string // needed to call it; "" for any valid key
	Summary  string
	Tag      string
	Request  any    // a value of the JSON body's type, for the spec
	Response any    // a value of the success body's type, for the spec
	Key      string // seed routes: the success body's key, e.g. "tenant"
	Query    []queryParam
	Status   int  // success status, default 200
	List     bool // v1 list: Laravel pagination around Response
	Raw      bool // multipart or non-JSON body (uploads)
	Form     bool // the body is an HTML form (application/x-www-form-urlencoded) of Request's fields
	// Bare v1 routes answer Response itself, not wrapped in data: seed
	// 003's reports carry from, to and currency beside their own data.
	Bare bool
	// Conditional routes are served by http.ServeContent, which also
	// answers conditional and range requests: 206, 304, 412, 416.
	Conditional bool
	Also        []int // statuses the handler answers that no other field implies
	// Sensitive responses carry a secret shown once: a remembered
	// Idempotency-Key response is sealed at rest like the secret itself.
	Sensitive bool

	handler handlerFunc
}

type queryParam struct {
	Name        string
	Description string
	Type        string // "string", "integer", "date-time"
	Enum        []string
}

// handlerFunc is a handler whose error is written in one place, in the
// route's error format.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

type ctxKey int

const (
	keyCtx ctxKey = iota
	routeCtx
)

// handle registers rt, wrapped in authentication, scopes, rate limits and
// idempotency as its API requires.
func (s *Server) handle(rt *route, h handlerFunc) {
	if rt.API != pageAPI && rt.Request == nil && !rt.Raw && rt.Method != http.MethodGet {
		// An action without a body refuses one rather than ignore it.
		inner := h
		h = func(w http.ResponseWriter, r *http.Request) error {
			if err := s.noBody(w, r); err != nil {
				return err
			}
			return inner(w, r)
		}
	}
	rt.handler = h
	if rt.Status == 0 {
		rt.Status = http.StatusOK
	}
	s.routes = append(s.routes, rt)
	s.mux.HandleFunc(rt.Method+" "+rt.Path, func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), routeCtx, rt))
		var err error
		if rt.API == pageAPI || rt.API == hookAPI {
			err = h(w, r)
		} else {
			err = s.authenticated(w, r, rt, h)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

func routeFrom(r *http.Request) *route {
	rt, _ := r.Context().Value(routeCtx).(*route)
	return rt
}

func keyFrom(r *http.Request) *porter.APIKey {
	k, _ := r.Context().Value(keyCtx).(*porter.APIKey)
	return k
}

// orgID is the organization of the key that authenticated r.
func orgID(r *http.Request) int64 { return keyFrom(r).OrgID }
