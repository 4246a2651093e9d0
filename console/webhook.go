package console

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"porter"
)

func init() {
	funcs["pint"] = func(n *int) string {
		if n == nil {
			return "—"
		}
		return strconv.Itoa(*n)
	}
	funcs["schedule"] = formatSchedule
	funcs["deref"] = func(n *int) int { return *n }
	// Issue 12: the closed lists of a webhook's signing and format.
	funcs["webhookSignatures"] = func() []string { return porter.WebhookSignatures }
	funcs["payloadFormats"] = func() []string { return porter.PayloadFormats }
	funcs["signatureHeaders"] = func() []string { return porter.SignatureHeaders }
}

// webhookForm is the subscribe and edit form as typed, so that a refused
// form comes back with what was entered.
type webhookForm struct {
	URL, Secret, Description, Retry, Timeout string
	Events                                   map[string]bool
	Ordered                                  bool
	// Signing and formats; Signature is chosen on the subscribe form only.
	Signature, PayloadFormat, SignatureHeader string
}

// eventPicker is what the "eventpicker" partial shows: the catalog's
// families, with the patterns already chosen checked.
type eventPicker struct {
	Families []eventFamily
	Selected map[string]bool
}

func newWebhookForm() webhookForm {
	return webhookForm{Retry: formatSchedule(porter.DefaultRetrySchedule()), Timeout: strconv.Itoa(porter.DefaultWebhookTimeout),
		Events: map[string]bool{}, Signature: porter.WebhookSignatureHMAC, PayloadFormat: porter.PayloadPorter, SignatureHeader: porter.SignatureHeaderPM}
}

func formOf(h *porter.Webhook) webhookForm {
	f := webhookForm{URL: h.URL, Description: h.Description, Retry: formatSchedule(h.RetrySchedule),
		Timeout: strconv.Itoa(h.TimeoutSeconds), Ordered: h.Ordered, Events: map[string]bool{},
		Signature: h.Signature, PayloadFormat: h.PayloadFormat, SignatureHeader: h.SignatureHeader}
	for _, e := range h.Events {
		f.Events[e] = true
	}
	return f
}

// readWebhookForm reads a posted subscribe or edit form; msg names the
// first field that cannot be read. What the Service checks (URL, events,
// bounds) it checks: those rules are not repeated here.
func readWebhookForm(w http.ResponseWriter, r *http.Request) (f webhookForm, events []string, schedule []int, timeout int, msg string) {
	f = webhookForm{Events: map[string]bool{}}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return f, nil, nil, 0, "The form could not be read."
	}
	p := r.PostForm
	f.URL, f.Secret = strings.TrimSpace(p.Get("url")), strings.TrimSpace(p.Get("secret"))
	f.Description, f.Retry, f.Timeout = strings.TrimSpace(p.Get("description")), strings.TrimSpace(p.Get("retry_schedule")), strings.TrimSpace(p.Get("timeout_seconds"))
	f.Ordered = p.Get("ordered") != ""
	f.Signature, f.PayloadFormat, f.SignatureHeader = p.Get("signature"), p.Get("payload_format"), p.Get("signature_header")
	for _, e := range p["events"] {
		if e = strings.TrimSpace(e); e != "" && !f.Events[e] {
			f.Events[e] = true
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		return f, nil, nil, 0, "Events: pick at least one event, a whole family (family.*) or every event (*)."
	}
	var err error
	if schedule, err = parseSchedule(f.Retry); err != nil {
		return f, nil, nil, 0, "Retry schedule: " + err.Error()
	}
	if timeout, err = strconv.Atoi(f.Timeout); err != nil {
		return f, nil, nil, 0, "Timeout: a whole number of seconds from 1 to " + strconv.Itoa(porter.MaxWebhookTimeout) + "."
	}
	return f, events, schedule, timeout, ""
}

// parseSchedule reads "5m, 30m, 2h, 6h": the delay before each retry, as
// seconds or with a unit (s, m, h, d). "none" means no retries.
func parseSchedule(s string) ([]int, error) {
	if strings.EqualFold(s, "none") {
		return []int{}, nil
	}
	out := []int{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(part)
		if err != nil {
			unit := map[byte]int{'s': 1, 'm': 60, 'h': 3600, 'd': 86400}[part[len(part)-1]]
			n, err = strconv.Atoi(part[:len(part)-1])
			if unit == 0 || err != nil {
				return nil, errors.New(strconv.Quote(part) + " is not a delay: write seconds or a number with s, m, h or d, e.g. 5m, 30m, 2h, 6h")
			}
			n *= unit
		}
		if n < 0 {
			return nil, errors.New(strconv.Quote(part) + " is negative")
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("write the delay before each retry, e.g. 5m, 30m, 2h, 6h, or none")
	}
	return out, nil
}

// formatSchedule writes a schedule as parseSchedule reads it, in the
// largest whole unit of each delay.
func formatSchedule(s []int) string {
	if len(s) == 0 {
		return "none"
	}
	parts := make([]string, len(s))
	for i, n := range s {
		switch {
		case n > 0 && n%86400 == 0:
			parts[i] = strconv.Itoa(n/86400) + "d"
		case n > 0 && n%3600 == 0:
			parts[i] = strconv.Itoa(n/3600) + "h"
		case n > 0 && n%60 == 0:
			parts[i] = strconv.Itoa(n/60) + "m"
		default:
			parts[i] = strconv.Itoa(n) + "s"
		}
	}
	return strings.Join(parts, ", ")
}

// refusal is how the Service's refusal of a form reads on the form: its
// status and message. ok is false for an unexpected error.
func refusal(err error) (status int, msg string, ok bool) {
	var e *porter.Error
	if !errors.As(err, &e) {
		return 0, "", false
	}
	switch e.Code {
	case porter.EINVALID, porter.EUNPROCESS:
		return http.StatusBadRequest, e.Message, true
	case porter.ECONFLICT:
		return http.StatusConflict, e.Message, true
	case porter.EFORBIDDEN:
		return http.StatusForbidden, e.Message, true
	}
	return 0, "", false
}

type webhooksData struct {
	Items  []*porter.Webhook
	State  string
	Pager  pager
	Form   webhookForm
	Picker eventPicker
	Error  string
}

func (c *Console) webhooks(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderWebhooks(w, r, u, http.StatusOK, newWebhookForm(), "")
}

func (c *Console) renderWebhooks(w http.ResponseWriter, r *http.Request, u *porter.User, status int, form webhookForm, msg string) {
	f := porter.WebhookFilter{ListParams: listParams(r)}
	state := r.URL.Query().Get("state")
	switch state {
	case "":
	case "enabled", "disabled":
		enabled := state == "enabled"
		f.Enabled = &enabled
	default:
		c.fail(w, r, u, porter.Errorf(porter.EINVALID, "state %q: want enabled or disabled", state))
		return
	}
	f.Normalize()
	list, err := c.svc.Webhooks(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	families, err := c.eventFamilies(false)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	d := webhooksData{Items: list.Items, State: state, Pager: newPager(r, f.ListParams, list.Total), Form: form,
		Picker: eventPicker{Families: families, Selected: form.Events}, Error: msg}
	c.render(w, status, "webhooks", view{Title: "Webhooks", Nav: "settings", User: u, Data: d})
}

// createWebhook subscribes through the same Service call as POST
// /v1/webhooks; a generated or typed secret is shown on this one response.
func (c *Console) createWebhook(w http.ResponseWriter, r *http.Request, u *porter.User) {
	form, events, schedule, timeout, msg := readWebhookForm(w, r)
	if msg != "" {
		c.renderWebhooks(w, r, u, http.StatusBadRequest, form, msg)
		return
	}
	in := porter.WebhookInput{URL: form.URL, Events: events, Description: form.Description,
		RetrySchedule: &schedule, TimeoutSeconds: &timeout, Ordered: form.Ordered,
		Signature: form.Signature, PayloadFormat: form.PayloadFormat, SignatureHeader: form.SignatureHeader}
	if form.Secret != "" {
		in.Secret = &form.Secret
	}
	hook, err := c.svc.CreateWebhook(r.Context(), u.OrgID, in)
	if status, msg, ok := refusal(err); ok {
		form.Secret = "" // never echoed back into a page
		c.renderWebhooks(w, r, u, status, form, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.renderWebhook(w, r, u, hook.ID, http.StatusOK, webhookPage{NewSecret: hook.Secret, Message: "Subscribed."})
}

type webhookPage struct {
	Hook         *porter.Webhook
	NewSecret    string
	Message      string
	Error        string
	Form         webhookForm
	Picker       eventPicker
	Rows         deliveryRows
	Filter       deliveryFilter
	Pager        pager
	Events       []*porter.Event
	RecoverSince string
	TestEvents   []string
	Overlap      string
	JWKSPath     string // an ed25519 webhook's: where its public keys are published
}

// renderWebhook shows webhook id's page; p carries what a POST adds (a
// secret shown once, a message, a refused edit).
func (c *Console) renderWebhook(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, p webhookPage) {
	ctx := r.Context()
	hook, err := c.svc.Webhook(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	rows, filter, pg, err := c.deliveryRows(r, u, hook.ID)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	families, err := c.eventFamilies(false)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if p.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "webhook", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if p.Form.Events == nil {
		p.Form = formOf(hook)
	}
	p.Hook, p.Rows, p.Filter, p.Pager = hook, rows, filter, pg
	p.Picker = eventPicker{Families: families, Selected: p.Form.Events}
	p.RecoverSince = c.svc.Now().UTC().Add(-24 * time.Hour).Format(datetimeLocal)
	p.Overlap = porter.WebhookSecretOverlap.String()
	if hook.Signature == porter.WebhookSignatureEd25519 {
		org, err := c.svc.Organization(ctx, u.OrgID)
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		p.JWKSPath = "/.well-known/webhooks/" + org.PublicID + "/jwks.json"
	}
	for _, e := range hook.Events {
		names, _ := porter.ExpandEventPattern(e)
		for _, n := range names {
			if !slices.Contains(p.TestEvents, n) {
				p.TestEvents = append(p.TestEvents, n)
			}
		}
	}
	c.render(w, status, "webhook", view{Title: "Webhook " + strconv.FormatInt(id, 10), Nav: "settings", User: u, Data: p})
}

// datetimeLocal is what an <input type=datetime-local> sends; the console
// reads it as UTC, which the page says.
const datetimeLocal = "2006-01-02T15:04"

func (c *Console) webhook(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	c.renderWebhook(w, r, u, id, http.StatusOK, webhookPage{})
}

// updateWebhook saves the edit form: URL, events, description, retries,
// timeout and ordering. The secret changes only by rotation.
func (c *Console) updateWebhook(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	form, events, schedule, timeout, msg := readWebhookForm(w, r)
	if msg != "" {
		c.renderWebhook(w, r, u, id, http.StatusBadRequest, webhookPage{Form: form, Error: msg})
		return
	}
	in := porter.WebhookPatch{URL: &form.URL, Events: &events, Description: &form.Description,
		RetrySchedule: &schedule, TimeoutSeconds: &timeout, Ordered: &form.Ordered}
	if form.PayloadFormat != "" {
		in.PayloadFormat = &form.PayloadFormat
	}
	if form.SignatureHeader != "" {
		in.SignatureHeader = &form.SignatureHeader
	}
	if _, err := c.svc.UpdateWebhook(r.Context(), u.OrgID, id, in); err != nil {
		if status, msg, ok := refusal(err); ok {
			c.renderWebhook(w, r, u, id, status, webhookPage{Form: form, Error: msg})
			return
		}
		c.fail(w, r, u, err)
		return
	}
	http.Redirect(w, r, webhookPath(id), http.StatusSeeOther)
}

func webhookPath(id int64) string { return "/settings/webhooks/" + strconv.FormatInt(id, 10) }

// setWebhookEnabled disables or re-enables a webhook. Disabling ends its
// pending deliveries as failed (the Service's rule); "Recover failed
// since …" sends them once it is enabled again.
func (c *Console) setWebhookEnabled(enabled bool) func(w http.ResponseWriter, r *http.Request, u *porter.User) {
	return func(w http.ResponseWriter, r *http.Request, u *porter.User) {
		id, ok := pathID(r, "id")
		if !ok {
			c.notFound(w, r, u)
			return
		}
		if _, err := c.svc.UpdateWebhook(r.Context(), u.OrgID, id, porter.WebhookPatch{Enabled: &enabled}); err != nil {
			c.webhookActionFailed(w, r, u, id, err)
			return
		}
		http.Redirect(w, r, webhookPath(id), http.StatusSeeOther)
	}
}

// webhookActionFailed shows a refused action on the webhook's page.
func (c *Console) webhookActionFailed(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, err error) {
	var e *porter.Error
	if errors.As(err, &e) && e.Code == porter.ENOTFOUND {
		c.fail(w, r, u, err)
		return
	}
	if status, msg, ok := refusal(err); ok {
		c.renderWebhook(w, r, u, id, status, webhookPage{Error: msg})
		return
	}
	c.fail(w, r, u, err)
}

// deleteWebhook removes a webhook and its delivery log. The form carries
// a confirmation box, so that it asks even without JavaScript.
func (c *Console) deleteWebhook(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil || r.PostForm.Get("confirm") != "yes" {
		if _, err := c.svc.Webhook(r.Context(), u.OrgID, id); err != nil {
			c.fail(w, r, u, err) // another organization's: 404 first
			return
		}
		c.renderWebhook(w, r, u, id, http.StatusBadRequest, webhookPage{Error: "Confirm: tick the box to confirm the deletion."})
		return
	}
	if _, err := c.svc.DeleteWebhook(r.Context(), u.OrgID, id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/settings/webhooks", http.StatusSeeOther)
}

// webhookActionForm reads the webhook id and the small form of an action
// on it; when it cannot, it has answered and ok is false.
func (c *Console) webhookActionForm(w http.ResponseWriter, r *http.Request, u *porter.User) (id int64, ok bool) {
	id, ok = pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return 0, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		c.renderWebhook(w, r, u, id, http.StatusBadRequest, webhookPage{Error: "The form could not be read."})
		return 0, false
	}
	return id, true
}

// rotateWebhookSecret gives the webhook a new secret, shown once; the old
// one keeps signing for porter.WebhookSecretOverlap.
func (c *Console) rotateWebhookSecret(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := c.webhookActionForm(w, r, u)
	if !ok {
		return
	}
	var in porter.RotateSecretInput
	if s := strings.TrimSpace(r.PostForm.Get("secret")); s != "" {
		in.Secret = &s
	}
	hook, err := c.svc.RotateWebhookSecret(r.Context(), u.OrgID, id, in)
	if err != nil {
		c.webhookActionFailed(w, r, u, id, err)
		return
	}
	msg := "Secret rotated. The previous secret keeps signing for " + porter.WebhookSecretOverlap.String() + "."
	if hook.Signature == porter.WebhookSignatureEd25519 {
		msg = "Key pair rotated: verify with the new public key. The previous key keeps signing for " + porter.WebhookSecretOverlap.String() + "."
	}
	c.renderWebhook(w, r, u, id, http.StatusOK, webhookPage{NewSecret: hook.Secret, Message: msg})
}

// testWebhook sends a sample of one of the webhook's events, marked as a
// test, and opens the resulting delivery.
func (c *Console) testWebhook(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := c.webhookActionForm(w, r, u)
	if !ok {
		return
	}
	d, err := c.svc.TestWebhook(r.Context(), u.OrgID, id, porter.TestInput{Event: r.PostForm.Get("event")})
	if err != nil {
		c.webhookActionFailed(w, r, u, id, err)
		return
	}
	http.Redirect(w, r, deliveryPath(id, d.ID), http.StatusSeeOther)
}

// recoverWebhook sends again every failed delivery created since the
// time given (read as UTC).
func (c *Console) recoverWebhook(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := c.webhookActionForm(w, r, u)
	if !ok {
		return
	}
	raw := strings.TrimSpace(r.PostForm.Get("since"))
	var in porter.RecoverInput
	if raw != "" {
		t, err := time.Parse(datetimeLocal, raw)
		if err != nil {
			t, err = time.Parse(datetimeLocal+":05", raw)
		}
		if err != nil {
			if _, err := c.svc.Webhook(r.Context(), u.OrgID, id); err != nil {
				c.fail(w, r, u, err)
				return
			}
			c.renderWebhook(w, r, u, id, http.StatusBadRequest, webhookPage{Error: "Recover since: a date and time such as 2026-05-09T14:30 (UTC)."})
			return
		}
		pt := porter.NewTime(t)
		in.Since = &pt
	}
	rec, err := c.svc.RecoverWebhook(r.Context(), u.OrgID, id, in)
	if err != nil {
		c.webhookActionFailed(w, r, u, id, err)
		return
	}
	what := strconv.Itoa(rec.Requeued) + " failed deliveries"
	if rec.Requeued == 1 {
		what = "1 failed delivery"
	}
	c.renderWebhook(w, r, u, id, http.StatusOK, webhookPage{
		Message: what + " created since " + rec.Since.UTC().Format("2006-01-02 15:04 UTC") + " sent again now."})
}
