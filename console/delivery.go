package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"porter"
)

// deliveryFilter is the Recent deliveries filter form.
type deliveryFilter struct {
	Status, Event string
	Statuses      []string
	Events        []string
}

// deliveryRows is the Recent deliveries <tbody>: the rows, and the URL
// htmx polls for the next version of it.
type deliveryRows struct {
	HookID int64
	Items  []*porter.Delivery
	Poll   string
}

// deliveryRows reads the page's ?status=&event=&page= and lists that page
// of the webhook's deliveries, newest first.
func (c *Console) deliveryRows(r *http.Request, u *porter.User, hookID int64) (deliveryRows, deliveryFilter, pager, error) {
	q := r.URL.Query()
	f := porter.DeliveryFilter{ListParams: listParams(r), Status: q.Get("status"), Event: q.Get("event")}
	filter := deliveryFilter{Status: f.Status, Event: f.Event, Statuses: porter.DeliveryStatuses, Events: porter.EventNames()}
	list, err := c.svc.WebhookDeliveries(r.Context(), u.OrgID, hookID, f)
	if err != nil {
		return deliveryRows{}, filter, pager{}, err
	}
	keep := url.Values{}
	for _, k := range []string{"status", "event", "page"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	// The pager links to the webhook's page, also from a POST's response.
	pr := r.Clone(r.Context())
	pr.URL = &url.URL{Path: webhookPath(hookID), RawQuery: keep.Encode()}
	poll := webhookPath(hookID) + "/deliveries"
	if len(keep) > 0 {
		poll += "?" + keep.Encode()
	}
	return deliveryRows{HookID: hookID, Items: list.Items, Poll: poll}, filter, newPager(pr, f.ListParams, list.Total), nil
}

// deliveriesFragment is the Recent deliveries <tbody> alone, which the
// webhook's page polls (htmx) to stay current without a reload.
func (c *Console) deliveriesFragment(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if r.Header.Get("HX-Request") == "" {
		// A person who opens the URL gets the page it belongs to.
		target := webhookPath(id)
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	rows, _, _, err := c.deliveryRows(r, u, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.renderFragment(w, r, "webhook", "deliveryrows", rows)
}

// polled wraps the handler of a fragment htmx polls. When the session has
// ended, signedIn sends the browser to sign in with a redirect, which htmx
// would follow and swap the sign-in page into the fragment; HX-Redirect
// makes htmx load the sign-in page as a page instead.
func polled(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("HX-Request") != "" {
			w = signInRedirect{w}
		}
		h(w, r)
	}
}

type signInRedirect struct{ http.ResponseWriter }

func (s signInRedirect) WriteHeader(code int) {
	if loc := s.Header().Get("Location"); code == http.StatusSeeOther && strings.HasPrefix(loc, "/login") {
		s.Header().Del("Location")
		s.Header().Set("HX-Redirect", loc)
		code = http.StatusUnauthorized
	}
	s.ResponseWriter.WriteHeader(code)
}

// renderFragment writes one template of a page, for htmx to swap in.
func (c *Console) renderFragment(w http.ResponseWriter, r *http.Request, page, name string, data any) {
	var buf bytes.Buffer
	if err := c.pages[page].ExecuteTemplate(&buf, name, data); err != nil {
		c.logger.Error("console: render fragment", "page", page, "fragment", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

func deliveryPath(hookID, id int64) string {
	return webhookPath(hookID) + "/deliveries/" + strconv.FormatInt(id, 10)
}

type deliveryPage struct {
	Hook     *porter.Webhook
	D        *porter.Delivery
	Body     string // the request body, indented
	BodyNote string // why there is none
	Error    string
	Live     string // the URL the attempts section polls while pending
}

// loadDelivery returns delivery did of webhook id: one of another webhook
// (or organization) is not found.
func (c *Console) loadDelivery(r *http.Request, u *porter.User) (*porter.Webhook, *porter.Delivery, error) {
	id, ok1 := pathID(r, "id")
	did, ok2 := pathID(r, "did")
	if !ok1 || !ok2 {
		return nil, nil, porter.Errorf(porter.ENOTFOUND, "not found")
	}
	d, err := c.svc.Delivery(r.Context(), u.OrgID, did)
	if err != nil {
		return nil, nil, err
	}
	if d.WebhookID != id {
		return nil, nil, porter.NotFound("delivery", did)
	}
	hook, err := c.svc.Webhook(r.Context(), u.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	return hook, d, nil
}

func (c *Console) delivery(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderDelivery(w, r, u, http.StatusOK, "")
}

func (c *Console) renderDelivery(w http.ResponseWriter, r *http.Request, u *porter.User, status int, msg string) {
	hook, d, err := c.loadDelivery(r, u)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	p := deliveryPage{Hook: hook, D: d, Error: msg, Live: deliveryPath(hook.ID, d.ID) + "/live"}
	p.Body, p.BodyNote, err = c.deliveryBody(r, u, d)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.render(w, status, "delivery", view{Title: "Delivery " + strconv.FormatInt(d.ID, 10), Nav: "settings", User: u, Data: p})
}

// deliveryBody is the body every attempt of d sent, indented, or a note
// saying why it is not kept.
func (c *Console) deliveryBody(r *http.Request, u *porter.User, d *porter.Delivery) (string, string, error) {
	raw, err := c.svc.DeliveryBody(r.Context(), u.OrgID, d.ID)
	if err != nil {
		return "", "", err
	}
	if raw == nil {
		return "", "The event has been pruned from the event log: its body is no longer kept.", nil
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw), "", nil
	}
	return buf.String(), "", nil
}

// deliveryLive is the delivery's status and attempts alone, which its page
// polls while the delivery is pending.
func (c *Console) deliveryLive(w http.ResponseWriter, r *http.Request, u *porter.User) {
	if r.Header.Get("HX-Request") == "" {
		id, ok1 := pathID(r, "id")
		did, ok2 := pathID(r, "did")
		if !ok1 || !ok2 {
			c.notFound(w, r, u)
			return
		}
		http.Redirect(w, r, deliveryPath(id, did), http.StatusSeeOther)
		return
	}
	hook, d, err := c.loadDelivery(r, u)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.renderFragment(w, r, "delivery", "deliverylive", deliveryPage{Hook: hook, D: d, Live: deliveryPath(hook.ID, d.ID) + "/live"})
}

// replayDelivery sends the delivery again now (same event id, a fresh run
// of the retry schedule), as POST /v1/deliveries/{id}/replay does.
func (c *Console) replayDelivery(w http.ResponseWriter, r *http.Request, u *porter.User) {
	hook, d, err := c.loadDelivery(r, u)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if _, err := c.svc.ReplayDelivery(r.Context(), u.OrgID, d.ID); err != nil {
		if status, msg, ok := refusal(err); ok {
			c.renderDelivery(w, r, u, status, msg)
			return
		}
		c.fail(w, r, u, err)
		return
	}
	http.Redirect(w, r, deliveryPath(hook.ID, d.ID), http.StatusSeeOther)
}
