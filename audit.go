package porter

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode"
)

// The audit log records who changed what: every write that goes through
// the Service's write helper (update) leaves one AuditEntry, in the same
// transaction as the write, so that no write path can forget it and a
// failed write leaves none.

// Actor types: who a write is made by.
const (
	ActorAPIKey = "api_key" // an API call; ID is the key's id, Label its prefix
	ActorUser   = "user"    // a console user; ID is the user's id, Label the email
	ActorSystem = "system"  // no one signed in: public pages, setup code
	ActorCLI    = "cli"     // the porter command line; Label is the command
)

// ActorTypes lists the actor types, for filters.
var ActorTypes = []string{ActorAPIKey, ActorUser, ActorSystem, ActorCLI}

// Actor is who makes a write, and from where. The HTTP API's
// authentication and the console's session check put it in the request's
// context; a write whose context holds none is the system's.
type Actor struct {
	Type      string
	ID        int64
	Label     string
	IP        string
	UserAgent string
	RequestID string
}

type actorKey struct{}

// WithActor returns ctx carrying a as the author of the writes made with it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx; the system when there is none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok && a.Type != "" {
		return a
	}
	return Actor{Type: ActorSystem}
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID           int64
	OrgID        int64
	Action       string // resource type and verb: work_order.start, webhook.rotate_secret
	Actor        Actor
	ResourceType string
	ResourceID   int64
	// Before and After hold the fields the write changed, with their old
	// and new values: a creation has no Before, a deletion no After.
	// Secrets are redacted.
	Before    json.RawMessage
	After     json.RawMessage
	CreatedAt time.Time
}

// MarshalJSON writes the entry as GET /v1/audit_log shows it.
func (e *AuditEntry) MarshalJSON() ([]byte, error) {
	type actor struct {
		Type  string `json:"type"`
		ID    *int64 `json:"id"`
		Label string `json:"label"`
	}
	type resource struct {
		Type string `json:"type"`
		ID   int64  `json:"id"`
	}
	a := actor{Type: e.Actor.Type, Label: e.Actor.Label}
	if e.Actor.ID != 0 {
		a.ID = &e.Actor.ID
	}
	return json.Marshal(struct {
		ID        int64           `json:"id"`
		Action    string          `json:"action"`
		Actor     actor           `json:"actor"`
		Resource  resource        `json:"resource"`
		Before    json.RawMessage `json:"before"`
		After     json.RawMessage `json:"after"`
		IP        string          `json:"ip"`
		UserAgent string          `json:"user_agent"`
		RequestID string          `json:"request_id"`
		CreatedAt Time            `json:"created_at"`
	}{e.ID, e.Action, a, resource{e.ResourceType, e.ResourceID}, rawOrNull(e.Before), rawOrNull(e.After),
		e.Actor.IP, e.Actor.UserAgent, e.Actor.RequestID, NewTime(e.CreatedAt)})
}

func rawOrNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

// AuditFilter selects entries for GET /v1/audit_log. Empty fields match all.
type AuditFilter struct {
	ListParams
	ActorType    string
	ActorID      int64
	ResourceType string
	ResourceID   int64
	// Action is an action (webhook.delete) or a resource's family (webhook.*).
	Action string
	From   *time.Time // at or after
	To     *time.Time // at or before
}

// ActionPrefix splits Action into an exact action or a prefix
// ("webhook." for webhook.*).
func (f AuditFilter) ActionPrefix() (exact, prefix string) {
	if p, ok := strings.CutSuffix(f.Action, "*"); ok {
		return "", p
	}
	return f.Action, ""
}

// AuditTx keeps an organization's audit log.
type AuditTx interface {
	// InsertAuditEntry appends e and sets its ID.
	InsertAuditEntry(ctx context.Context, e *AuditEntry) error
	// AuditLog lists entries, newest first.
	AuditLog(ctx context.Context, f AuditFilter) (List[*AuditEntry], error)
	// CountAuditDeletions counts the deletions (actions ending in .delete
	// or .unsubscribe) one actor made at or after since.
	CountAuditDeletions(ctx context.Context, actorType string, actorID int64, since time.Time) (int, error)
}

// AuditLog lists an organization's audit log, newest first.
func (s *Service) AuditLog(ctx context.Context, orgID int64, f AuditFilter) (List[*AuditEntry], error) {
	f.Normalize()
	var v Validation
	if f.ActorType != "" {
		v.OneOf("actor_type", f.ActorType, ActorTypes...)
	}
	if f.ActorID != 0 && f.ActorType == "" {
		v.Add("actor_id", "needs actor_type: ids are numbered per actor type")
	}
	if f.ResourceID != 0 && f.ResourceType == "" {
		v.Add("resource_id", "needs resource_type: ids are numbered per resource type")
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		v.Add("to", "must not be before from")
	}
	if err := v.Err(); err != nil {
		return List[*AuditEntry]{}, err
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*AuditEntry], error) {
		if _, err := tx.Organization(ctx); err != nil {
			return List[*AuditEntry]{}, err
		}
		return tx.AuditLog(ctx, f)
	})
}

// CriticalActions are the audited actions that also fire
// audit.critical_event, with the reason the event gives. Whoever adds a
// sensitive write (a user's role changed, a user deactivated) adds its
// action here: the event follows with no other code.
var CriticalActions = map[string]string{
	"api_key.create":        "an API key was created",
	"api_key.revoke":        "an API key was revoked",
	"webhook.rotate_secret": "a webhook's signing secret was rotated",
	"webhook.delete":        "a webhook was deleted",
	"webhook.unsubscribe":   "a webhook was deleted (REST hook unsubscribe)",
	"user.change_role":      "a console user's role was changed",
	"user.deactivate":       "a console user was deactivated",
	"user.sign_in_burst":    "too many failed sign-ins for this account: sign-in is blocked for a while",
}

// Mass deletion: more than MassDeletionLimit deletions by one actor within
// MassDeletionWindow fire audit.critical_event once as the limit is passed.
const (
	MassDeletionLimit  = 10
	MassDeletionWindow = time.Minute
)

// auditTx is the Tx a write helper hands to its function: it notes the
// first event the write records and any target the write names itself,
// which become the audit entry when the write succeeds.
type auditTx struct {
	Tx
	first  *Event
	target *auditTarget
}

type auditTarget struct {
	resourceType  string
	id            int64
	before, after any
}

func (t *auditTx) InsertEvent(ctx context.Context, e *Event) error {
	if err := t.Tx.InsertEvent(ctx, e); err != nil {
		return err
	}
	if t.first == nil {
		t.first = e
	}
	return nil
}

// audited names what a write that records no event changed, so that it is
// audited all the same. before is nil for a creation, after for a deletion.
func audited(tx Tx, resourceType string, id int64, before, after any) {
	if at, ok := tx.(*auditTx); ok {
		at.target = &auditTarget{resourceType, id, before, after}
	}
}

// writeAudit writes the audit entry of a successful write: its action is
// the Service method that made it, named after the resource it changed
// (CreateTenant on a tenant is tenant.create, RotateWebhookSecret on a
// webhook is webhook.rotate_secret). A write that changed nothing (no event,
// no target) is not audited.
func (s *Service) writeAudit(ctx context.Context, t *auditTx, now time.Time, method string) error {
	var e *AuditEntry
	var err error
	switch {
	case t.target != nil:
		e, err = targetEntry(t.target)
	case t.first != nil:
		e, err = eventEntry(t.first)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	e.Action = actionName(e.ResourceType, method)
	e.Actor = ActorFrom(ctx)
	e.CreatedAt = now.UTC()
	return s.insertAudit(ctx, t.Tx, e)
}

// insertAudit stores e and fires audit.critical_event when it is critical.
func (s *Service) insertAudit(ctx context.Context, tx Tx, e *AuditEntry) error {
	e.Before, e.After = redact(e.Before), redact(e.After)
	if err := tx.InsertAuditEntry(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	// Writes no one signed in made (setup code, public pages) are audited
	// but are nobody's critical action; a sign-in burst is detected by
	// Porter for a client it cannot name.
	if e.Actor.Type == ActorSystem && e.Action != "user.sign_in_burst" {
		return nil
	}
	if reason, ok := CriticalActions[e.Action]; ok {
		if err := record(ctx, tx, e.CreatedAt, "audit.critical_event", "audit_entry", e.ID, criticalData(e, reason), nil); err != nil {
			return err
		}
	}
	if !isDeletion(e.Action) {
		return nil
	}
	// A mass deletion is its own critical event, whatever was deleted.
	n, err := tx.CountAuditDeletions(ctx, e.Actor.Type, e.Actor.ID, e.CreatedAt.Add(-MassDeletionWindow))
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	if n != MassDeletionLimit+1 {
		return nil
	}
	reason := fmt.Sprintf("mass deletion: more than %d deletions by one actor within %s", MassDeletionLimit, MassDeletionWindow)
	return record(ctx, tx, e.CreatedAt, "audit.critical_event", "audit_entry", e.ID, criticalData(e, reason), nil)
}

// criticalData is audit.critical_event's data: what happened, who did it,
// to what, why it matters, and the entry's redacted diff.
func criticalData(e *AuditEntry, reason string) map[string]any {
	actor := map[string]any{"type": e.Actor.Type, "id": nil, "label": e.Actor.Label, "ip": e.Actor.IP, "user_agent": e.Actor.UserAgent}
	if e.Actor.ID != 0 {
		actor["id"] = e.Actor.ID
	}
	return map[string]any{
		"id":          e.ID, // the audit entry's
		"action":      e.Action,
		"actor":       actor,
		"resource":    map[string]any{"type": e.ResourceType, "id": e.ResourceID},
		"reason":      reason,
		"before":      rawOrNull(e.Before), // what changed, as the audit log shows it
		"after":       rawOrNull(e.After),
		"request_id":  e.Actor.RequestID,
		"occurred_at": NewTime(e.CreatedAt),
	}
}

func isDeletion(action string) bool {
	return strings.HasSuffix(action, ".delete") || strings.HasSuffix(action, ".unsubscribe")
}

// targetEntry diffs a target a write named itself.
func targetEntry(t *auditTarget) (*AuditEntry, error) {
	e := &AuditEntry{ResourceType: t.resourceType, ResourceID: t.id}
	before, err := marshalOrNil(t.before)
	if err != nil {
		return nil, err
	}
	after, err := marshalOrNil(t.after)
	if err != nil {
		return nil, err
	}
	if before != nil && after != nil {
		e.Before, e.After, err = diff(before, after)
		return e, err
	}
	e.Before, e.After = before, after
	return e, nil
}

// eventEntry takes the diff from an event: previous_attributes and the
// same fields' new values for an update, the whole resource otherwise.
func eventEntry(ev *Event) (*AuditEntry, error) {
	e := &AuditEntry{ResourceType: ev.ResourceType, ResourceID: ev.ResourceID}
	switch {
	case ev.PreviousAttributes != nil:
		var old, cur map[string]json.RawMessage
		if err := json.Unmarshal(ev.PreviousAttributes, &old); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(ev.Data, &cur); err != nil {
			return nil, err
		}
		after := make(map[string]json.RawMessage, len(old))
		for k := range old {
			after[k] = cur[k]
		}
		b, err := json.Marshal(after)
		if err != nil {
			return nil, err
		}
		e.Before, e.After = ev.PreviousAttributes, b
	case strings.HasSuffix(ev.Type, ".deleted"):
		e.Before = ev.Data
	default:
		e.After = ev.Data
	}
	return e, nil
}

func marshalOrNil(v any) (json.RawMessage, error) {
	if v == nil || isNil(v) {
		return nil, nil
	}
	return json.Marshal(v)
}

// diff keeps the top-level fields whose JSON differs, old and new.
func diff(before, after json.RawMessage) (json.RawMessage, json.RawMessage, error) {
	var old, cur map[string]json.RawMessage
	if err := json.Unmarshal(before, &old); err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal(after, &cur); err != nil {
		return nil, nil, err
	}
	ob, nb := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for k, v := range old {
		if k != "updated_at" && string(cur[k]) != string(v) {
			ob[k], nb[k] = v, cur[k]
		}
	}
	for k, v := range cur {
		if _, ok := old[k]; !ok && k != "updated_at" {
			ob[k], nb[k] = json.RawMessage("null"), v
		}
	}
	b, err := json.Marshal(ob)
	if err != nil {
		return nil, nil, err
	}
	a, err := json.Marshal(nb)
	return b, a, err
}

// redacted replaces the value of every secret-looking field.
const redacted = `"[redacted]"`

// secretField reports whether a field's value must never reach the log:
// secrets, passwords, tokens, hashes of keys and passwords.
func secretField(name string) bool {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, "_at") { // secret_rotated_at is a time, not a secret
		return false
	}
	for _, w := range []string{"secret", "password", "token", "hash", "api_key", "private_key", "passphrase", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return n == "key"
}

// redact rewrites a JSON object with secret fields redacted, at any depth.
func redact(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil // not JSON we wrote: keep nothing rather than risk a secret
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return nil
	}
	return out
}

func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if secretField(k) && val != nil && val != "" {
				x[k] = json.RawMessage(redacted)
				continue
			}
			x[k] = redactValue(val)
		}
	case []any:
		for i := range x {
			x[i] = redactValue(x[i])
		}
	}
	return v
}

// callerMethod names the Service method a write helper runs for: the
// nearest exported (*Service) method on the stack, past private helpers
// such as workOrderTransition; else the nearest function of this package.
func callerMethod(skip int) string {
	var pcs [12]uintptr
	n := runtime.Callers(skip+1, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	fallback := ""
	for {
		f, more := frames.Next()
		name := f.Function
		if rest, ok := strings.CutPrefix(name, "porter.(*Service)."); ok {
			if m, _, _ := strings.Cut(rest, "."); m != "" && unicode.IsUpper(rune(m[0])) {
				return m
			} else if fallback == "" {
				fallback = m
			}
		} else if rest, ok := strings.CutPrefix(name, "porter."); ok && fallback == "" && !strings.Contains(rest, "update") {
			fallback, _, _ = strings.Cut(rest, ".")
		}
		if !more {
			break
		}
	}
	return fallback
}

// actionName turns a Service method and the resource it changed into an
// action: the resource type, a dot, and the method's words without the
// resource's name, in snake case (StartWorkOrder on work_order is
// work_order.start; Unsubscribe on webhook is webhook.unsubscribe).
func actionName(resourceType, method string) string {
	compact := strings.ReplaceAll(resourceType, "_", "")
	verb := method
	if i := strings.Index(strings.ToLower(method), compact); compact != "" && i >= 0 {
		verb = method[:i] + method[i+len(compact):]
	}
	if verb == "" {
		verb = "write"
	}
	return resourceType + "." + snake(verb)
}

// snake writes CamelCase words in snake_case, acronyms as one word.
func snake(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		if unicode.IsUpper(c) {
			if i > 0 && (unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]) && unicode.IsUpper(r[i-1]))) {
				b.WriteByte('_')
			}
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Console users live outside an organization's transactions (sign-in comes
// before the organization is known), so their changes are audited in a
// transaction of their own, right after the change. The Service functions
// that change a user call auditUser; an action listed in CriticalActions
// (user.change_role, user.deactivate) fires audit.critical_event as well.
func (s *Service) auditUser(ctx context.Context, u *User, before, after any) error {
	_, err := update(ctx, s, u.OrgID, func(tx Tx, now time.Time) (struct{}, error) {
		audited(tx, "user", u.ID, before, after)
		return struct{}{}, nil
	})
	if err != nil {
		return fmt.Errorf("audit user %d: %w", u.ID, err)
	}
	return nil
}

// userAudit is what the audit log shows of a user: never the password hash.
func userAudit(u *User) map[string]any {
	return map[string]any{"id": u.ID, "email": u.Email, "role": u.Role, "staff_id": u.StaffID, "created_at": NewTime(u.CreatedAt)}
}

// SignInBurst records that failed sign-ins to a console account tripped the
// console's limit: an audit entry and audit.critical_event in each
// organization the email belongs to, naming the account and the client
// address, never a password. An email no user has is only logged.
func (s *Service) SignInBurst(ctx context.Context, email, addr string, failures int, window time.Duration) error {
	us, err := s.users()
	if err != nil {
		return err
	}
	users, err := us.UsersByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("sign-in burst: %w", err)
	}
	if len(users) == 0 {
		s.Logger.Warn("failed sign-in burst for an unknown account", "email", email, "addr", addr, "failures", failures)
		return nil
	}
	actor := ActorFrom(ctx)
	actor.Type, actor.ID, actor.Label, actor.IP = ActorSystem, 0, "console sign-in limiter", addr
	ctx = WithActor(ctx, actor)
	for _, u := range users {
		after := map[string]any{"email": u.Email, "failed_sign_ins": failures, "window": window.String(), "address": addr}
		if err := s.auditUser(ctx, u, nil, after); err != nil {
			return err
		}
	}
	return nil
}
