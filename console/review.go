package console

import (
	"net/http"
	"strconv"

	"porter"
)

// Short-term rentals: reviews (received through the API or imported),
// read here.

type reviewsData struct {
	Items   []*porter.Review
	Rating  int
	Source  string
	Sources []string
	Ratings []int
	Pager   pager
}

func (c *Console) reviews(w http.ResponseWriter, r *http.Request, u *porter.User) {
	q := r.URL.Query()
	f := porter.ReviewFilter{ListParams: listParams(r), Source: q.Get("source")}
	var rating int
	if s := q.Get("rating"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 5 {
			c.fail(w, r, u, porter.Errorf(porter.EINVALID, "rating %q: want a whole number from 1 to 5", s))
			return
		}
		rating, f.MinRating, f.MaxRating = n, n, n
	}
	list, err := c.svc.Reviews(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := reviewsData{Items: list.Items, Rating: rating, Source: f.Source, Sources: porter.ReviewSources,
		Ratings: []int{5, 4, 3, 2, 1}, Pager: newPager(r, f.ListParams, list.Total)}
	c.render(w, http.StatusOK, "reviews", view{Title: "Reviews", Nav: "reviews", User: u, Data: d})
}

type reviewData struct {
	Review *porter.Review
	Events []*porter.Event
}

func (c *Console) review(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	ctx := r.Context()
	rv, err := c.svc.Review(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := reviewData{Review: rv}
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "review", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, http.StatusOK, "review", view{Title: "Review " + strconv.FormatInt(id, 10), Nav: "reviews", User: u, Data: d})
}
