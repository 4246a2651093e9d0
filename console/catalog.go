package console

import (
	"net/http"
	"strings"

	"porter"
)

// eventFamily is the catalog's events of one family (payment, lease, …),
// in catalog order: the subscribe form's groups and the catalog page's
// sections.
type eventFamily struct {
	Name   string // "payment"
	Events []catalogEvent
}

type catalogEvent struct {
	porter.EventType
	Example string // indented JSON; the catalog page only
}

// eventFamilies groups porter.Catalog by the part of the name before the
// dot; withExamples adds each event's example payload.
func (c *Console) eventFamilies(withExamples bool) ([]eventFamily, error) {
	var out []eventFamily
	index := map[string]int{}
	for _, e := range porter.Catalog {
		family, _, _ := strings.Cut(e.Name, ".")
		i, ok := index[family]
		if !ok {
			i = len(out)
			index[family] = i
			out = append(out, eventFamily{Name: family})
		}
		ce := catalogEvent{EventType: e}
		if withExamples {
			ex, err := porter.ExamplePayload(e, c.svc.Now())
			if err != nil {
				return nil, err
			}
			ce.Example = ex
		}
		out[i].Events = append(out[i].Events, ce)
	}
	return out, nil
}

// catalog is the event catalog: what a webhook can subscribe to, readable
// by every signed-in user (the docs page says the same to integrators).
func (c *Console) catalog(w http.ResponseWriter, r *http.Request, u *porter.User) {
	families, err := c.eventFamilies(true)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, http.StatusOK, "catalog", view{Title: "Event catalog", Nav: "catalog", User: u, Data: families})
}
