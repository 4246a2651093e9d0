package http

import (
	"net/http"
	"net/url"
	"reflect"
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

// list reads page, per_page, starting_after and updated_since.
func (q *query) list() porter.ListParams {
	p := porter.ListParams{
		Page:         q.int("page", 1, maxPage),
		PerPage:      q.int("per_page", 1, porter.MaxPerPage),
		UpdatedSince: q.time("updated_since"),
		After:        q.cursor("starting_after"),
		More:         true,
	}
	if p.After != 0 && q.v.Get("page") != "" {
		q.err.Add("starting_after", "cannot be combined with page: a cursor already says where the page starts")
	}
	p.Normalize()
	return p
}

// cursor reads an item id: a number, or an event id such as
// evt_1715261400_42.
func (q *query) cursor(name string) int64 {
	s := q.v.Get(name)
	if s == "" {
		return 0
	}
	if seq, ok := porter.ParseEventID(s); ok {
		return seq
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		q.err.Add(name, "must be the id of an item in the list")
	}
	return n
}

func (q *query) Err() error { return q.err.Err() }

// maxPage keeps page × per_page well inside every engine's OFFSET.
const maxPage = 1_000_000

// listParams are the query parameters every v1 list takes.
var listParams = []queryParam{
	{Name: "page", Type: "integer", Description: "Page number, from 1"},
	{Name: "per_page", Type: "integer", Description: "Items per page, at most 100 (default 25)"},
	{Name: "starting_after", Type: "string", Description: "Cursor: the id of an item; the page holds the items after it, in the list's order. Not with page; its cost does not grow with the list"},
	{Name: "updated_since", Type: "date-time", Description: "Only items updated at or after this time"},
}

// page is Laravel's paginated response, with has_more and a cursor link.
type page struct {
	Data  any       `json:"data"`
	Links pageLinks `json:"links"`
	Meta  pageMeta  `json:"meta"`
}

type pageLinks struct {
	First string  `json:"first"`
	Last  string  `json:"last"`
	Prev  *string `json:"prev"`
	Next  *string `json:"next"` // with starting_after: the next cursor page
}

type pageMeta struct {
	CurrentPage *int       `json:"current_page"` // null with starting_after
	From        *int       `json:"from"`
	LastPage    int        `json:"last_page"`
	Links       []pageLink `json:"links"`
	Path        string     `json:"path"`
	PerPage     int        `json:"per_page"`
	To          *int       `json:"to"`
	// Total counts the matching items up to porter.TotalCap; past it, it is
	// porter.TotalCap and TotalIsEstimate is true (a lower bound), so that a
	// page costs the same however long the list.
	Total           int  `json:"total"`
	TotalIsEstimate bool `json:"total_is_estimate"`
	// HasMore tells whether items follow this page; next links to them.
	HasMore bool `json:"has_more"`
}

type pageLink struct {
	URL    *string `json:"url"`
	Label  string  `json:"label"`
	Active bool    `json:"active"`
}

// pageOf wraps one list result as a page: the store fetched one item past
// the page (ListParams.More) to tell whether more follow.
func pageOf[T any](s *Server, r *http.Request, p porter.ListParams, l porter.List[T]) page {
	items := l.Items
	more := len(items) > p.PerPage
	if more {
		items = items[:p.PerPage]
	}
	if items == nil {
		items = []T{}
	}
	next := ""
	if more && len(items) > 0 {
		next = cursorOf(items[len(items)-1])
	}
	return s.paginate(r, p, items, len(items), l.Total, more, next)
}

// cursorOf is the id a starting_after cursor names item by.
func cursorOf(item any) string {
	if e, ok := item.(interface{ ID() string }); ok {
		return e.ID()
	}
	v := reflect.Indirect(reflect.ValueOf(item))
	if v.Kind() == reflect.Struct {
		if f := v.FieldByName("ID"); f.IsValid() && f.CanInt() {
			return strconv.FormatInt(f.Int(), 10)
		}
	}
	return ""
}

// paginate wraps one page of items as Laravel does. With a cursor
// (starting_after) there is no page number: next carries the cursor on.
func (s *Server) paginate(r *http.Request, p porter.ListParams, items any, count, total int, more bool, next string) page {
	path := s.cfg.BaseURL + r.URL.Path
	estimate := total > porter.TotalCap
	if estimate {
		total = porter.TotalCap
	}
	last := max(1, (total+p.PerPage-1)/p.PerPage)
	link := func(n int) string {
		v := r.URL.Query()
		v.Del("starting_after")
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
		Links: pageLinks{First: link(1), Last: link(last)},
		Meta:  pageMeta{LastPage: last, Path: path, PerPage: p.PerPage, Total: total, TotalIsEstimate: estimate, HasMore: more},
	}
	if p.After != 0 {
		if next != "" {
			v := r.URL.Query()
			v.Set("starting_after", next)
			u := path + "?" + v.Encode()
			pg.Links.Next = &u
		}
		pg.Meta.Links = []pageLink{{Label: "&laquo; Previous"}, {URL: pg.Links.Next, Label: "Next &raquo;"}}
		return pg
	}
	current := p.Page
	pg.Meta.CurrentPage = &current
	pg.Links.Prev, pg.Links.Next = opt(p.Page > 1, p.Page-1), opt(more, p.Page+1)
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
