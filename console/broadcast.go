package console

import (
	"net/http"
	"net/url"
	"strconv"

	"porter"
)

type broadcastsData struct {
	Items     []*porter.Broadcast
	Audience  string
	Audiences []string
	Channels  []string
	Picks     *opsPicks
	Pager     pager
	Form      url.Values
	Error     string
}

func (c *Console) broadcasts(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderBroadcasts(w, r, u, http.StatusOK, url.Values{"audience": {"all_tenants"}, "channel": {"email"}}, "")
}

func (c *Console) renderBroadcasts(w http.ResponseWriter, r *http.Request, u *porter.User, status int, form url.Values, msg string) {
	if err := opsCheckQuery(r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	f := porter.BroadcastFilter{ListParams: listParams(r), Audience: r.URL.Query().Get("audience")}
	if err := opsOneOf("audience", f.Audience, porter.BroadcastAudiences...); err != nil {
		c.fail(w, r, u, err)
		return
	}
	ctx := r.Context()
	list, err := c.svc.Broadcasts(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	picks, err := c.opsPicks(ctx, u.OrgID, opsPickProperties)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := broadcastsData{Items: list.Items, Audience: f.Audience, Audiences: porter.BroadcastAudiences, Channels: porter.BroadcastChannels,
		Picks: picks, Pager: newPager(r, f.ListParams, list.Total), Form: form, Error: msg}
	c.render(w, status, "broadcasts", view{Title: "Broadcasts", Nav: "broadcasts", User: u, Data: d})
}

// sendBroadcast queues a message to an audience through the Service, in
// the one transaction that records it.
func (c *Console) sendBroadcast(w http.ResponseWriter, r *http.Request, u *porter.User) {
	if err := readOpsForm(w, r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	form := r.PostForm
	in := porter.BroadcastInput{Subject: opsText(form, "subject"), Body: opsText(form, "body"),
		Audience: opsText(form, "audience"), Channel: opsText(form, "channel")}
	b, err := func() (*porter.Broadcast, error) {
		var err error
		if in.PropertyID, err = opsID(form, "property_id"); err != nil {
			return nil, err
		}
		return c.svc.SendBroadcast(r.Context(), u.OrgID, in)
	}()
	if err != nil {
		if msg, ok := opsBadInput(err); ok {
			c.renderBroadcasts(w, r, u, http.StatusBadRequest, form, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/broadcasts/"+strconv.FormatInt(b.ID, 10))
}

type broadcastData struct {
	B            *porter.Broadcast
	PropertyName string
	Messages     []*porter.Message
	Pager        pager
	Events       []*porter.Event
	// Announcement says it went to tenants: its page links to who
	// acknowledged it.
	Announcement bool
}

func (c *Console) broadcast(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	ctx := r.Context()
	b, err := c.svc.Broadcast(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := broadcastData{B: b}
	if b.PropertyID != nil {
		p, err := c.svc.Property(ctx, u.OrgID, *b.PropertyID)
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		d.PropertyName = p.Name
	}
	lp := listParams(r)
	msgs, err := c.svc.BroadcastMessages(ctx, u.OrgID, id, lp)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Messages, d.Pager = msgs.Items, newPager(r, lp, msgs.Total)
	if d.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "broadcast", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	d.Announcement = announcement(b)
	c.render(w, http.StatusOK, "broadcast", view{Title: b.Subject, Nav: "broadcasts", User: u, Data: d})
}

// Announcements acknowledged: a broadcast sent to tenants is an
// announcement, and its own page lists, read-only, the tenants who
// acknowledged it (POST /v1/broadcasts/{id}/acknowledgements), paginated,
// so that the broadcast's page keeps its few queries.

func announcement(b *porter.Broadcast) bool {
	return b.Audience == "all_tenants" || b.Audience == "property_tenants"
}

type acknowledgementsData struct {
	B          *porter.Broadcast
	Items      []*porter.Acknowledgement
	Pager      pager
	TenantName map[int64]string
}

// Tenant names an acknowledging tenant: its number for one beyond the
// tenant select's first page.
func (d acknowledgementsData) Tenant(id int64) string {
	if n, ok := d.TenantName[id]; ok {
		return n
	}
	return "tenant " + strconv.FormatInt(id, 10)
}

func (c *Console) acknowledgements(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	ctx := r.Context()
	b, err := c.svc.Broadcast(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if !announcement(b) {
		c.notFound(w, r, u) // a broadcast to staff or vendors has none
		return
	}
	lp := listParams(r)
	acks, err := c.svc.Acknowledgements(ctx, u.OrgID, id, lp)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := acknowledgementsData{B: b, Items: acks.Items, Pager: newPager(r, lp, acks.Total)}
	if len(acks.Items) > 0 {
		if _, d.TenantName, err = c.tenantChoices(ctx, u.OrgID); err != nil {
			c.fail(w, r, u, err)
			return
		}
	}
	c.render(w, http.StatusOK, "acknowledgements", view{Title: "Acknowledged: " + b.Subject, Nav: "broadcasts", User: u, Data: d})
}
