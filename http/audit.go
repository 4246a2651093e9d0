package http

import (
	"net/http"
	"strings"

	"porter"
)

// auditEntryView documents an audit entry's JSON (porter.AuditEntry writes it).
type auditEntryView struct {
	ID     int64  `json:"id"`
	Action string `json:"action" doc:"The resource type and what was done to it, such as work_order.start or webhook.rotate_secret"`
	Actor  struct {
		Type  string `json:"type" doc:"api_key, user, system or cli"`
		ID    *int64 `json:"id" doc:"The API key's or user's id; null for system and cli"`
		Label string `json:"label" doc:"The key's prefix, the user's email or the CLI command"`
	} `json:"actor"`
	Resource struct {
		Type string `json:"type"`
		ID   int64  `json:"id"`
	} `json:"resource"`
	Before    *map[string]any `json:"before" doc:"The changed fields' old values (secrets redacted); null for a creation"`
	After     *map[string]any `json:"after" doc:"The changed fields' new values (secrets redacted); null for a deletion"`
	IP        string          `json:"ip"`
	UserAgent string          `json:"user_agent"`
	RequestID string          `json:"request_id" doc:"The request's X-Request-Id, if it had one"`
	CreatedAt porter.Time     `json:"created_at"`
}

// auditLogParams are GET /v1/audit_log's filters.
var auditLogParams = append(append([]queryParam{}, listParams...),
	queryParam{Name: "actor_type", Type: "string", Enum: porter.ActorTypes},
	queryParam{Name: "actor_id", Type: "integer", Description: "The API key's or user's id (with actor_type)"},
	queryParam{Name: "resource_type", Type: "string", Description: "Such as work_order, webhook or api_key"},
	queryParam{Name: "resource_id", Type: "integer", Description: "With resource_type"},
	queryParam{Name: "action", Type: "string", Description: "An action (webhook.delete) or a resource's actions (webhook.*)"},
	queryParam{Name: "from", Type: "date-time", Description: "Only entries written at or after this time"},
	queryParam{Name: "to", Type: "date-time", Description: "Only entries written at or before this time"},
)

func (s *Server) handleListAuditLog() handlerFunc {
	return listOf(s, func(q *query) porter.AuditFilter {
		f := porter.AuditFilter{ListParams: q.list(), ActorType: q.str("actor_type", porter.ActorTypes...), ActorID: q.id("actor_id"),
			ResourceType: q.str("resource_type"), ResourceID: q.id("resource_id"), Action: q.str("action"),
			From: q.time("from"), To: q.time("to")}
		// Entries never change: updated_since is when they were written.
		if u := f.UpdatedSince; u != nil && (f.From == nil || u.After(*f.From)) {
			f.From = u
		}
		return f
	}, s.svc.AuditLog)
}

// apiActor is who an API request acts as, for the audit log.
func (s *Server) apiActor(r *http.Request, key *porter.APIKey) porter.Actor {
	return porter.Actor{Type: porter.ActorAPIKey, ID: key.ID, Label: key.Prefix, IP: ClientIP(r, s.cfg.TrustForwardedFor),
		UserAgent: clip(r.UserAgent(), 512), RequestID: RequestID(r)}
}

// RequestID is the request's X-Request-Id (set by a proxy or the client),
// kept if it is short printable text.
func RequestID(r *http.Request) string {
	id := strings.TrimSpace(r.Header.Get("X-Request-Id"))
	if len(id) > 200 || !printableASCII(id) {
		return ""
	}
	return id
}

// ClientIP is the client's address as ClientAddr finds it, whole, for the
// audit log; "" when there is none.
func ClientIP(r *http.Request, trustForwarded bool) string {
	if ip := clientIP(r, trustForwarded); ip.IsValid() {
		return ip.String()
	}
	return ""
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
