package http_test

import (
	"testing"
	"time"
)

// TestWorkOrderListSearch: the list finds titles containing q in any case,
// and overdue=true keeps the unresolved work orders past their due_at; bad
// values are a 400 naming the parameter.
func TestWorkOrderListSearch(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		f := a.woFixture(t)
		a.newWorkOrder(t, f, map[string]any{"title": "Leaking sink", "priority": "emergency"})
		a.newWorkOrder(t, f, map[string]any{"title": "Broken window", "priority": "low"})
		count := func(query string) float64 {
			t.Helper()
			return a.do("GET", "/v1/work_orders?"+query, nil).must(t, 200).obj("meta")["total"].(float64)
		}
		if n := count("q=SINK"); n != 1 {
			t.Errorf("q=SINK: %v", n)
		}
		if n := count("overdue=true"); n != 0 {
			t.Errorf("overdue before the deadline: %v", n)
		}
		a.now = a.now.Add(5 * time.Hour) // past the emergency's 4 hours
		if n := count("overdue=true"); n != 1 {
			t.Errorf("overdue after 5 h: %v", n)
		}
		if n := count("overdue=false"); n != 2 {
			t.Errorf("overdue=false: %v", n)
		}
		for _, query := range []string{"overdue=yes", "q=%00"} {
			a.do("GET", "/v1/work_orders?"+query, nil).must(t, 400)
		}
	})
}
