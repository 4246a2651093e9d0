package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"porter"
)

// Settings → Integrations: the console's side of /v1/integrations. Admin
// only, as webhooks are: an integration holds credentials and a receiver
// URL that writes records.

// maxIntegrationForm bounds an integration form: a mapping may be up to
// 256 KiB of JSON, more than other forms carry.
const maxIntegrationForm = 512 << 10

// integrationForm is the create and edit form as typed, so that a refused
// form comes back with what was entered (never the credentials).
type integrationForm struct {
	Name, Type, EndpointURL, CredentialType, SyncMode, SyncInterval, Mapping string
	PollURL                                                                  string
	// BMS and IoT: the broker subscription (integrationmqtt.go).
	mqttForm
}

func integrationFormOf(it *porter.Integration) integrationForm {
	f := integrationForm{Name: it.Name, Type: it.Type, EndpointURL: it.EndpointURL, CredentialType: it.CredentialType,
		SyncMode: it.SyncMode, Mapping: mappingText(it.Mapping), PollURL: it.PollURL, mqttForm: mqttFormOf(it)}
	if it.SyncIntervalSeconds > 0 {
		f.SyncInterval = strconv.Itoa(it.SyncIntervalSeconds)
	}
	return f
}

// mappingText is the mapping as the textarea shows it.
func mappingText(m porter.IntegrationMapping) string {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "{}"
	}
	return string(b)
}

// readIntegrationForm reads the fields common to the create and edit
// forms and parses the mapping; msg names the first field that cannot be
// read. What the Service checks it checks: those rules are not repeated.
func readIntegrationForm(w http.ResponseWriter, r *http.Request) (f integrationForm, in porter.IntegrationInput, msg string) {
	r.Body = http.MaxBytesReader(w, r.Body, maxIntegrationForm)
	if err := r.ParseForm(); err != nil {
		return f, in, "The form could not be read."
	}
	if err := opsCleanText(r.PostForm); err != nil {
		return f, in, err.Error()
	}
	p := r.PostForm
	get := func(k string) string { return strings.TrimSpace(p.Get(k)) }
	f = integrationForm{Name: get("name"), Type: get("type"), EndpointURL: get("endpoint_url"), CredentialType: get("credential_type"),
		SyncMode: get("sync_mode"), SyncInterval: get("sync_interval_seconds"), Mapping: p.Get("mapping"), PollURL: get("poll_url")}
	in.Name, in.EndpointURL, in.PollURL = &f.Name, &f.EndpointURL, &f.PollURL
	if f.SyncMode != "" {
		in.SyncMode = &f.SyncMode
	}
	switch {
	case f.SyncMode == porter.SyncRealtime:
		zero := 0 // an interval left in the form means nothing in realtime
		in.SyncIntervalSeconds = &zero
	case f.SyncInterval != "":
		n, err := strconv.Atoi(f.SyncInterval)
		if err != nil {
			return f, in, "Sync interval: a whole number of seconds."
		}
		in.SyncIntervalSeconds = &n
	}
	if strings.TrimSpace(f.Mapping) != "" {
		var m porter.IntegrationMapping
		d := json.NewDecoder(strings.NewReader(f.Mapping))
		if err := d.Decode(&m); err != nil {
			return f, in, "Mapping: not a valid mapping document: " + strings.TrimPrefix(err.Error(), "json: ") + "."
		}
		if d.More() {
			return f, in, "Mapping: one JSON object, with nothing after it."
		}
		in.Mapping = &m
	}
	f.mqttForm, in.MQTT, msg = readMQTTForm(p, r.PathValue("id") != "")
	return f, in, msg
}

// credentialsOf reads the credentials of the create form; nil leaves the
// Service's default (a shared secret it generates).
func credentialsOf(p url.Values, typ string) *porter.IntegrationCredentialsInput {
	get := func(k string) string { return strings.TrimSpace(p.Get(k)) }
	switch typ {
	case "":
		return nil
	case porter.CredentialSharedSecret:
		return &porter.IntegrationCredentialsInput{Type: typ, Secret: get("secret")}
	case porter.CredentialAPIKey:
		return &porter.IntegrationCredentialsInput{Type: typ, APIKey: get("api_key")}
	case porter.CredentialOAuthClient:
		return &porter.IntegrationCredentialsInput{Type: typ, ClientID: get("client_id"), ClientSecret: get("client_secret"), TokenURL: get("token_url")}
	}
	return &porter.IntegrationCredentialsInput{Type: typ} // the Service names the allowed types
}

// integrationChoices are the select boxes' options.
type integrationChoices struct {
	Types, SyncModes, Credentials, Statuses, LogStatuses []string
}

var integrationOptions = integrationChoices{Types: porter.IntegrationTypes, SyncModes: porter.IntegrationSyncModes,
	Credentials: porter.IntegrationCredentials, Statuses: porter.IntegrationStatuses, LogStatuses: porter.IntegrationLogStatuses}

type integrationsData struct {
	Items   []*porter.Integration
	Type    string
	Status  string
	Pager   pager
	Form    integrationForm
	Options integrationChoices
	Error   string
}

func (c *Console) integrations(w http.ResponseWriter, r *http.Request, u *porter.User) {
	c.renderIntegrations(w, r, u, http.StatusOK, integrationForm{SyncMode: porter.SyncRealtime, CredentialType: porter.CredentialSharedSecret,
		Type: porter.IntegrationHandover, Mapping: "{\n  \"entities\": {}\n}"}, "")
}

func (c *Console) renderIntegrations(w http.ResponseWriter, r *http.Request, u *porter.User, status int, form integrationForm, msg string) {
	if err := opsCheckQuery(r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	q := r.URL.Query()
	f := porter.IntegrationFilter{ListParams: listParams(r), Type: q.Get("type"), Status: q.Get("status")}
	list, err := c.svc.Integrations(r.Context(), u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	pr := r.Clone(r.Context())
	pr.URL = &url.URL{Path: "/settings/integrations", RawQuery: r.URL.RawQuery}
	d := integrationsData{Items: list.Items, Type: f.Type, Status: f.Status, Pager: newPager(pr, f.ListParams, list.Total),
		Form: form, Options: integrationOptions, Error: msg}
	c.render(w, status, "integrations", view{Title: "Integrations", Nav: "settings", User: u, Data: d})
}

// createIntegration creates through the same Service call as POST
// /v1/integrations; the signing secret and receiver URL are shown on this
// one response.
func (c *Console) createIntegration(w http.ResponseWriter, r *http.Request, u *porter.User) {
	form, in, msg := readIntegrationForm(w, r)
	if msg != "" {
		c.renderIntegrations(w, r, u, http.StatusBadRequest, form, msg)
		return
	}
	in.Type = &form.Type
	if form.EndpointURL == "" {
		in.EndpointURL = nil
	}
	in.Credentials = credentialsOf(r.PostForm, form.CredentialType)
	it, err := c.svc.CreateIntegration(r.Context(), u.OrgID, in)
	if status, msg, ok := refusal(err); ok {
		c.renderIntegrations(w, r, u, status, form, msg)
		return
	}
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.renderIntegration(w, r, u, it.ID, http.StatusOK, integrationPage{NewSecret: it.Secret, ReceiverURL: it.ReceiverURL,
		Message: "Integration created."})
}

// integrationLogRow is a log row with where its target is in the console.
type integrationLogRow struct {
	*porter.IntegrationLogEntry
	TargetPath string
}

type integrationPage struct {
	It          *porter.Integration
	NewSecret   string
	ReceiverURL string
	Message     string
	Error       string
	Form        integrationForm
	Options     integrationChoices
	Rows        []integrationLogRow
	LogStatus   string
	LogEntity   string
	Entities    []string
	Pager       pager
	Events      []*porter.Event
	// ERP / accounting posting: the newest postings, when rules are set.
	Postings []*porter.IntegrationPosting
}

func integrationPath(id int64) string { return "/settings/integrations/" + strconv.FormatInt(id, 10) }

// targetPath is the console page of a record an integration wrote.
func targetPath(ref *porter.IntegrationRef) string {
	if ref == nil {
		return ""
	}
	switch ref.Type {
	case "work_order":
		return idPath("/work-orders/", ref.ID)
	case "property":
		return idPath("/properties/", ref.ID)
	}
	return ""
}

// renderIntegration shows integration id's page; p carries what a POST
// adds (a secret shown once, a message, a refused edit).
func (c *Console) renderIntegration(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, status int, p integrationPage) {
	ctx := r.Context()
	it, err := c.svc.Integration(ctx, u.OrgID, id)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if err := opsCheckQuery(r); err != nil {
		c.fail(w, r, u, err)
		return
	}
	q := r.URL.Query()
	f := porter.IntegrationLogFilter{ListParams: listParams(r), IntegrationID: id, Status: q.Get("status"), Entity: strings.TrimSpace(q.Get("entity"))}
	if r.Method != http.MethodGet {
		f.Page = 1 // a POST's answer shows the newest rows
	}
	log, err := c.svc.IntegrationLog(ctx, u.OrgID, f)
	if err != nil {
		c.fail(w, r, u, err)
		return
	}
	if p.Events, err = c.svc.ResourceEvents(ctx, u.OrgID, "integration", id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	if it.PostingRules != nil { // ERP / accounting: the newest postings
		l, err := c.svc.IntegrationPostings(ctx, u.OrgID, porter.PostingFilter{ListParams: porter.ListParams{Page: 1, PerPage: 10}, IntegrationID: id})
		if err != nil {
			c.fail(w, r, u, err)
			return
		}
		p.Postings = l.Items
	}
	for _, e := range log.Items {
		p.Rows = append(p.Rows, integrationLogRow{IntegrationLogEntry: e, TargetPath: targetPath(e.Target)})
	}
	for name := range it.Mapping.Entities {
		p.Entities = append(p.Entities, name)
	}
	sort.Strings(p.Entities)
	if p.Form.Type == "" {
		p.Form = integrationFormOf(it)
	}
	keep := url.Values{}
	for _, k := range []string{"status", "entity"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	// The pager links to the integration's page, also from a POST's answer.
	pr := r.Clone(ctx)
	pr.URL = &url.URL{Path: integrationPath(id), RawQuery: keep.Encode()}
	p.It, p.Options, p.LogStatus, p.LogEntity, p.Pager = it, integrationOptions, f.Status, f.Entity, newPager(pr, f.ListParams, log.Total)
	c.render(w, status, "integration", view{Title: "Integration " + it.Name, Nav: "settings", User: u, Data: p})
}

func (c *Console) integration(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	p := integrationPage{}
	if r.URL.Query().Get("saved") != "" {
		p.Message = "Saved."
	}
	c.renderIntegration(w, r, u, id, http.StatusOK, p)
}

// integrationActionFailed shows a refused action on the integration's
// page; another organization's integration is a 404 first.
func (c *Console) integrationActionFailed(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, form integrationForm, err error) {
	var e *porter.Error
	if errors.As(err, &e) && e.Code == porter.ENOTFOUND {
		c.fail(w, r, u, err)
		return
	}
	if status, msg, ok := refusal(err); ok {
		c.renderIntegration(w, r, u, id, status, integrationPage{Form: form, Error: msg})
		return
	}
	c.fail(w, r, u, err)
}

// refuseIntegrationForm answers a form that could not be read: 404 for
// another organization's integration, else 400 with msg on the page.
func (c *Console) refuseIntegrationForm(w http.ResponseWriter, r *http.Request, u *porter.User, id int64, form integrationForm, msg string) {
	if _, err := c.svc.Integration(r.Context(), u.OrgID, id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	c.renderIntegration(w, r, u, id, http.StatusBadRequest, integrationPage{Form: form, Error: msg})
}

// updateIntegration saves the edit form, the mapping included: the same
// Service call as PATCH /v1/integrations/{id}.
func (c *Console) updateIntegration(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	form, in, msg := readIntegrationForm(w, r)
	if msg == "" && in.Mapping == nil {
		msg = "Mapping: write the mapping document (at least {\"entities\": {}})."
	}
	if msg != "" {
		c.refuseIntegrationForm(w, r, u, id, c.keepType(r, u, id, form), msg)
		return
	}
	// Credentials are replaced only when some are typed: empty keeps them.
	for _, k := range []string{"api_key", "client_id", "client_secret", "token_url"} {
		if strings.TrimSpace(r.PostForm.Get(k)) != "" {
			in.Credentials = credentialsOf(r.PostForm, form.CredentialType)
			break
		}
	}
	if _, err := c.svc.UpdateIntegration(r.Context(), u.OrgID, id, in); err != nil {
		c.integrationActionFailed(w, r, u, id, c.keepType(r, u, id, form), err)
		return
	}
	seeOther(w, r, integrationPath(id)+"?saved=1")
}

// keepType fills the fields the edit form does not send, so that a
// refused edit shows the form as typed rather than the stored one.
func (c *Console) keepType(r *http.Request, u *porter.User, id int64, form integrationForm) integrationForm {
	if it, err := c.svc.Integration(r.Context(), u.OrgID, id); err == nil {
		form.Type = it.Type
	}
	if form.Type == "" {
		form.Type = "?" // any non-empty value keeps the typed form
	}
	return form
}

// setIntegrationEnabled disables or enables an integration: a disabled
// one answers 409 to the senders, logged as rejected.
func (c *Console) setIntegrationEnabled(enabled bool) func(w http.ResponseWriter, r *http.Request, u *porter.User) {
	return func(w http.ResponseWriter, r *http.Request, u *porter.User) {
		id, ok := pathID(r, "id")
		if !ok {
			c.notFound(w, r, u)
			return
		}
		if _, err := c.svc.UpdateIntegration(r.Context(), u.OrgID, id, porter.IntegrationInput{Enabled: &enabled}); err != nil {
			c.integrationActionFailed(w, r, u, id, integrationForm{}, err)
			return
		}
		seeOther(w, r, integrationPath(id))
	}
}

// deleteIntegration removes an integration, its links and its log (the
// records it wrote stay). The form carries a confirmation box, so that it
// asks even without JavaScript.
func (c *Console) deleteIntegration(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil || r.PostForm.Get("confirm") != "yes" {
		c.refuseIntegrationForm(w, r, u, id, integrationForm{}, "Confirm: tick the box to confirm the deletion.")
		return
	}
	if err := c.svc.DeleteIntegration(r.Context(), u.OrgID, id); err != nil {
		c.fail(w, r, u, err)
		return
	}
	seeOther(w, r, "/settings/integrations")
}

// rotateIntegrationSecret gives the integration a new signing secret (and
// a new receiver URL when asked), shown once; the old ones stop at once.
func (c *Console) rotateIntegrationSecret(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		c.refuseIntegrationForm(w, r, u, id, integrationForm{}, "The form could not be read.")
		return
	}
	in := porter.RotateIntegrationSecretInput{ReceiverURL: r.PostForm.Get("receiver_url") != ""}
	if s := strings.TrimSpace(r.PostForm.Get("secret")); s != "" {
		in.Secret = &s
	}
	it, err := c.svc.RotateIntegrationSecret(r.Context(), u.OrgID, id, in)
	if err != nil {
		c.integrationActionFailed(w, r, u, id, integrationForm{}, err)
		return
	}
	msg := "Secret rotated: the previous one no longer verifies calls."
	if it.ReceiverURL != "" {
		msg = "Secret and receiver URL rotated: the previous ones no longer work."
	}
	c.renderIntegration(w, r, u, id, http.StatusOK, integrationPage{NewSecret: it.Secret, ReceiverURL: it.ReceiverURL, Message: msg})
}

// testIntegration runs the Service's test (a signed call to endpoint_url,
// or a check of the mapping) and shows what it found.
func (c *Console) testIntegration(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	res, err := c.svc.TestIntegration(r.Context(), u.OrgID, id)
	if err != nil {
		c.integrationActionFailed(w, r, u, id, integrationForm{}, err)
		return
	}
	var b strings.Builder
	if res.Kind == "outbound" {
		fmt.Fprintf(&b, "Test call to the endpoint")
		if res.StatusCode != 0 {
			fmt.Fprintf(&b, ": HTTP %d in %d ms", res.StatusCode, res.DurationMS)
		}
	} else {
		fmt.Fprintf(&b, "Mapping check (entities: %s; this Porter writes: %s)", orNone(res.Entities), orNone(res.Targets))
	}
	p := integrationPage{}
	if res.OK {
		p.Message = b.String() + ": ok."
	} else {
		p.Error = b.String() + " failed: " + res.Error
	}
	c.renderIntegration(w, r, u, id, http.StatusOK, p)
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// retryIntegration replays every open error through the current mapping
// and reports the counts.
func (c *Console) retryIntegration(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	res, err := c.svc.RetryFailedIntegration(r.Context(), u.OrgID, id)
	if err != nil {
		c.integrationActionFailed(w, r, u, id, integrationForm{}, err)
		return
	}
	msg := fmt.Sprintf("Retry failed: %d retried, %d succeeded, %d mapped, %d still failing, %d skipped (not replayable).",
		res.Retried, res.Succeeded, res.Mapped, res.Failed, res.Skipped)
	if res.Retried+res.Skipped == 0 {
		msg = "Retry failed: no open errors to retry."
	}
	p := integrationPage{Message: msg}
	if res.Failed > 0 {
		p.Message, p.Error = "", msg
	}
	c.renderIntegration(w, r, u, id, http.StatusOK, p)
}

// prettyRaw indents a log row's JSON record for reading; anything else
// (a cut record, a rejected body) is shown as it is.
func prettyRaw(raw string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(raw), "", "  ") != nil {
		return raw
	}
	return b.String()
}

func init() { funcs["prettyraw"] = prettyRaw }

// syncIntegration polls the integration's poll_url now (the scheduled
// poll's "Sync now") and reports what the poll fetched.
func (c *Console) syncIntegration(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	res, err := c.svc.SyncIntegration(r.Context(), u.OrgID, id)
	if err != nil {
		c.integrationActionFailed(w, r, u, id, integrationForm{}, err)
		return
	}
	msg := fmt.Sprintf("Sync: %d page(s), %d record(s): %d succeeded, %d mapped, %d failed", res.Pages, res.Received, res.Succeeded, res.Mapped, res.Failed)
	p := integrationPage{}
	switch {
	case !res.OK:
		p.Error = msg + "; the poll stopped: " + res.Error
	case res.Failed > 0:
		p.Error = msg + "."
	default:
		p.Message = msg + "."
	}
	c.renderIntegration(w, r, u, id, http.StatusOK, p)
}

// completeFirstSync ends the integration's first full sync (seed 001):
// records it imports from then on reach DATA_NEW subscriptions.
func (c *Console) completeFirstSync(w http.ResponseWriter, r *http.Request, u *porter.User) {
	id, ok := pathID(r, "id")
	if !ok {
		c.notFound(w, r, u)
		return
	}
	if _, err := c.svc.CompleteIntegrationFirstSync(r.Context(), u.OrgID, id); err != nil {
		c.integrationActionFailed(w, r, u, id, integrationForm{}, err)
		return
	}
	c.renderIntegration(w, r, u, id, http.StatusOK, integrationPage{Message: "First sync completed: new records it imports now reach DATA_NEW subscriptions."})
}
