package http

import (
	"context"
	"net/http"

	"porter"
)

// These build the handlers every v1 resource shares, so that a resource's
// routes are a few declarations.

// data is the v1 envelope of one resource.
type data struct {
	Data any `json:"data"`
}

// data1 is v under "data", as the generic handlers answer.
func data1[T any](v T) any { return data{v} }

func getOne[T any](resource string, get func(ctx context.Context, org, id int64) (T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, resource)
		if err != nil {
			return err
		}
		v, err := get(r.Context(), orgID(r), id)
		if err != nil {
			return err
		}
		return encode(w, r, data{v})
	}
}

func createOne[In, T any](s *Server, create func(ctx context.Context, org int64, in In) (T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decode[In](s, w, r)
		if err != nil {
			return err
		}
		v, err := create(answering(r, data1[T]), orgID(r), in)
		if err != nil {
			return err
		}
		return encode(w, r, data{v})
	}
}

func updateOne[In, T any](s *Server, resource string, update func(ctx context.Context, org, id int64, in In) (T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, resource)
		if err != nil {
			return err
		}
		in, err := decode[In](s, w, r)
		if err != nil {
			return err
		}
		v, err := update(answering(r, data1[T]), orgID(r), id, in)
		if err != nil {
			return err
		}
		return encode(w, r, data{v})
	}
}

// act is a state change without a body: POST /v1/{resource}/{id}/{action}.
func act[T any](resource string, action func(ctx context.Context, org, id int64) (T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, resource)
		if err != nil {
			return err
		}
		v, err := action(answering(r, data1[T]), orgID(r), id)
		if err != nil {
			return err
		}
		return encode(w, r, data{v})
	}
}

// actWith is a state change with an optional JSON body.
func actWith[In, T any](s *Server, resource string, action func(ctx context.Context, org, id int64, in In) (T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, resource)
		if err != nil {
			return err
		}
		var in In
		if r.ContentLength != 0 {
			body, err := s.readBody(w, r)
			if err != nil {
				return err
			}
			if len(body) > 0 {
				if err := decodeJSON(body, &in, true); err != nil {
					return err
				}
			}
		}
		v, err := action(answering(r, data1[T]), orgID(r), id, in)
		if err != nil {
			return err
		}
		return encode(w, r, data{v})
	}
}

// listOf reads the list parameters and filters with filter, then lists.
// PF is *F: every filter embeds porter.ListParams, whose Paging method
// reaches the page through it.
func listOf[F, T any, PF interface {
	*F
	Paging() *porter.ListParams
}](s *Server, filter func(q *query) F, list func(ctx context.Context, org int64, f F) (porter.List[T], error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := newQuery(r)
		f := filter(q)
		if err := q.Err(); err != nil {
			return err
		}
		l, err := list(r.Context(), orgID(r), f)
		if err != nil {
			return err
		}
		p := *PF(&f).Paging()
		if len(l.Items) == 0 && (p.Page > 1 || p.After != 0) {
			// Past the last page the window count has no row to ride on:
			// ask the first page for the total.
			first := f
			*PF(&first).Paging() = porter.ListParams{Page: 1, PerPage: 1, UpdatedSince: p.UpdatedSince}
			head, err := list(r.Context(), orgID(r), first)
			if err != nil {
				return err
			}
			l.Total = head.Total
		}
		return encode(w, r, pageOf(s, r, p, l))
	}
}
