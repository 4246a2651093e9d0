package http

// RouteInfo is what the external tests need of a registered route.
type RouteInfo struct {
	Method, Path, Scope string
	V1, Seed, Page      bool // Page: public, no key (pages, and receivers signed instead)
	List                bool
	Status              int // success status
}

// Routes lists s's routes, in registration order.
func Routes(s *Server) []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		out[i] = RouteInfo{Method: rt.Method, Path: rt.Path, Scope: rt.Scope,
			V1: rt.API == v1API, Seed: rt.API == seedAPI, Page: rt.API == pageAPI || rt.API == hookAPI, List: rt.List, Status: rt.Status}
	}
	return out
}

// OnIdempotencyStored makes s call fn with the method and route of each
// keyed POST answered 2xx, and whether its response was stored in its
// write's transaction (else after it).
func OnIdempotencyStored(s *Server, fn func(method, route string, inWrite bool)) {
	s.idempotencyStored = fn
}
