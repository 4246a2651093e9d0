package console

import (
	"net/http"
	"time"

	"porter"
)

// Settings → Audit log (admin): every write by an API key or a console
// user, as GET /v1/audit_log lists it.

type auditData struct {
	Items      []*porter.AuditEntry
	ActorTypes []string
	Filter     struct{ ActorType, Resource, Action, From, To string }
	Pager      pager
}

// auditTime reads a filter bound: a date (the day's start, or for "to"
// its end) or a date and time.
func auditTime(s string, end bool) (*time.Time, bool) {
	if s == "" {
		return nil, true
	}
	for _, layout := range []string{porter.DateLayout, "2006-01-02T15:04", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			if end && layout == porter.DateLayout {
				t = t.Add(24*time.Hour - time.Second)
			}
			return &t, true
		}
	}
	return nil, false
}

func (c *Console) auditLog(w http.ResponseWriter, r *http.Request, u *porter.User) {
	q := r.URL.Query()
	var d auditData
	d.Filter.ActorType, d.Filter.Resource, d.Filter.Action, d.Filter.From, d.Filter.To = q.Get("actor_type"), q.Get("resource"), q.Get("action"), q.Get("from"), q.Get("to")
	f := porter.AuditFilter{ListParams: listParams(r), ActorType: d.Filter.ActorType, ResourceType: d.Filter.Resource, Action: d.Filter.Action}
	var ok bool
	if f.From, ok = auditTime(d.Filter.From, false); !ok {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "from %q: want a date such as 2026-07-01", d.Filter.From))
		return
	}
	if f.To, ok = auditTime(d.Filter.To, true); !ok {
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "to %q: want a date such as 2026-07-31", d.Filter.To))
		return
	}
	list, err := c.svc.AuditLog(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Items, d.ActorTypes, d.Pager = list.Items, porter.ActorTypes, newPager(r, f.ListParams, list.Total)
	c.render(w, http.StatusOK, "auditlog", view{Title: "Audit log", Nav: "settings", User: u, Data: d})
}
