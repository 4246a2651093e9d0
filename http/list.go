package http

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"porter"
)

// query reads list parameters and filters, collecting every problem.
type query struct {
	v   url.Values
	err porter.Validation
}

func newQuery(r *http.Request) *query { return &query{v: r.URL.Query()} }

func (q *query) str(name string, allowed ...string) string {
	s := q.v.Get(name)
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		q.err.Add(name, "must be valid UTF-8 text without NUL characters")
		return ""
	}
	if s != "" && len(allowed) > 0 {
		q.err.OneOf(name, s, allowed...)
	}
	return s
}

func (q *query) id(name string) int64 {
	s := q.v.Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		q.err.Add(name, "must be a positive integer")
	}
	return n
}

func (q *query) int(name string, lo, hi int) int {
	s := q.v.Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.err.Add(name, "must be an integer from %d to %d", lo, hi)
	}
	return n
}

func (q *query) time(name string) *time.Time {
	s := q.v.Get(name)
	if s == "" {
		return nil
	}
	t, err := porter.ParseTime(s)
	if err != nil {
		q.err.Add(name, "must be an ISO 8601 time such as 2025-05-09T14:30:00Z")
		return nil
	}
	return &t.Time
}

// list reads page, per_page and updated_since.
func (q *query) list() porter.ListParams {
	p := porter.ListParams{
		Page:         q.int("page", 1, maxPage),
		PerPage:      q.int("per_page", 1, porter.MaxPerPage),
		UpdatedSince: q.time("updated_since"),
	}
	p.Normalize()
	return p
}

func (q *query) Err() error { return q.err.Err() }

// maxPage keeps page × per_page well inside every engine's OFFSET.
const maxPage = 1_000_000

// listParams are the query parameters every v1 list takes.
var listParams = []queryParam{
	{Name: "page", Type: "integer", Description: "Page number, from 1"},
	{Name: "per_page", Type: "integer", Description: "Items per page, at most 100 (default 25)"},
	{Name: "updated_since", Type: "date-time", Description: "Only items updated at or after this time"},
}

// page is Laravel's paginated response.
type page struct {
	Data  any       `json:"data"`
	Links pageLinks `json:"links"`
	Meta  pageMeta  `json:"meta"`
}

type pageLinks struct {
	First string  `json:"first"`
	Last  string  `json:"last"`
	Prev  *string `json:"prev"`
	Next  *string `json:"next"`
}

type pageMeta struct {
	CurrentPage int        `json:"current_page"`
	From        *int       `json:"from"`
	LastPage    int        `json:"last_page"`
	Links       []pageLink `json:"links"`
	Path        string     `json:"path"`
	PerPage     int        `json:"per_page"`
	To          *int       `json:"to"`
	Total       int        `json:"total"`
}

type pageLink struct {
	URL    *string `json:"url"`
	Label  string  `json:"label"`
	Active bool    `json:"active"`
}

// paginate wraps one page of items as Laravel does.
func (s *Server) paginate(r *http.Request, p porter.ListParams, items any, count, total int) page {
	path := s.cfg.BaseURL + r.URL.Path
	last := max(1, (total+p.PerPage-1)/p.PerPage)
	link := func(n int) string {
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(n))
		return path + "?" + v.Encode()
	}
	opt := func(ok bool, n int) *string {
		if !ok {
			return nil
		}
		l := link(n)
		return &l
	}
	pg := page{
		Data:  items,
		Links: pageLinks{First: link(1), Last: link(last), Prev: opt(p.Page > 1, p.Page-1), Next: opt(p.Page < last, p.Page+1)},
		Meta:  pageMeta{CurrentPage: p.Page, LastPage: last, Path: path, PerPage: p.PerPage, Total: total},
	}
	if count > 0 {
		from, to := p.Offset()+1, p.Offset()+count
		pg.Meta.From, pg.Meta.To = &from, &to
	}
	pg.Meta.Links = append(pg.Meta.Links, pageLink{URL: pg.Links.Prev, Label: "&laquo; Previous"})
	for _, n := range pageWindow(p.Page, last) {
		if n == 0 {
			pg.Meta.Links = append(pg.Meta.Links, pageLink{Label: "..."})
			continue
		}
		u := link(n)
		pg.Meta.Links = append(pg.Meta.Links, pageLink{URL: &u, Label: strconv.Itoa(n), Active: n == p.Page})
	}
	pg.Meta.Links = append(pg.Meta.Links, pageLink{URL: pg.Links.Next, Label: "Next &raquo;"})
	return pg
}

// pageWindow lists the page numbers to link, 0 standing for "...": all of
// them when there are few, else the ends and the pages around current.
func pageWindow(current, last int) []int {
	if last <= 10 {
		out := make([]int, last)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	var out []int
	prev := 0
	for n := 1; n <= last; n++ {
		if n <= 2 || n > last-2 || (n >= current-2 && n <= current+2) {
			if prev != 0 && n != prev+1 {
				out = append(out, 0)
			}
			out = append(out, n)
			prev = n
		}
	}
	return out
}
