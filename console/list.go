package console

import (
	"net/http"
	"net/url"
	"strconv"

	"porter"
)

// pager is a list page's position: which page, how many in all, and the
// links to the pages beside it, which keep the list's other filters.
type pager struct {
	Page, Total int
	Prev, Next  string
}

// listParams reads ?page= (1 when absent or bad) with the API's page size.
func listParams(r *http.Request) porter.ListParams {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	lp := porter.ListParams{Page: page, PerPage: porter.DefaultPerPage}
	if lp.Page < 1 {
		lp.Page = 1
	}
	return lp
}

// newPager links the pages around lp for a list of total records.
func newPager(r *http.Request, lp porter.ListParams, total int) pager {
	p := pager{Page: lp.Page, Total: total}
	link := func(n int) string {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			if k != "page" && len(v) > 0 && v[0] != "" {
				q[k] = v
			}
		}
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if lp.Page > 1 {
		p.Prev = link(lp.Page - 1)
	}
	if lp.Page*lp.PerPage < total {
		p.Next = link(lp.Page + 1)
	}
	return p
}

// pathID is the record id in the URL; ok is false for anything but a
// positive integer, which the caller answers with a 404 page.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}
