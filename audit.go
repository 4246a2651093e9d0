package porter

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
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
	"user.set_role":         "a console user's role was changed",
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
