package http

import (
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"

	"porter"
)

// Integrations (issue 11): connectors, their log, Retry Failed, and the
// inbound receiver at /hooks/{token}.

type (
	integrationView       = porter.Integration
	integrationInput      = porter.IntegrationInput
	integrationWithSecret = porter.IntegrationWithSecret
	integrationRotate     = porter.RotateIntegrationSecretInput
	integrationLogView    = porter.IntegrationLogEntry
	integrationReceipt    = porter.IntegrationReceipt
	integrationRetry      = porter.IntegrationRetryResult
	integrationTestView   = porter.IntegrationTestResult
	integrationPollView   = porter.IntegrationPollResult
)

func (s *Server) handleListIntegrations() handlerFunc {
	return listOf(s, func(q *query) porter.IntegrationFilter {
		return porter.IntegrationFilter{ListParams: q.list(), Type: q.str("type", porter.IntegrationTypes...),
			Status: q.str("status", porter.IntegrationStatuses...)}
	}, s.svc.Integrations)
}

func (s *Server) handleIntegrationLog() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "integration")
		if err != nil {
			return err
		}
		return listOf(s, func(q *query) porter.IntegrationLogFilter {
			return porter.IntegrationLogFilter{ListParams: q.list(), IntegrationID: id, Status: q.str("status", porter.IntegrationLogStatuses...),
				Entity: q.str("entity"), SourceID: q.str("source_id"), From: q.time("from"), To: q.time("to")}
		}, s.svc.IntegrationLog)(w, r)
	}
}

// handleIntegrationReceiver takes records for an integration: the token in
// the path finds it, the signature authenticates the call.
func (s *Server) handleIntegrationReceiver() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token := r.PathValue("token")
		if token == "" || len(token) > 100 {
			return porter.Errorf(porter.ENOTFOUND, "no integration receives at this address")
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, porter.MaxIntegrationBody))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return porter.Errorf(porter.ETOOLARGE, "the body is larger than %s: send at most %d records of at most %s each per call",
				byteSize(tooBig.Limit), porter.MaxIntegrationRecords, byteSize(porter.MaxIntegrationRaw))
		} else if err != nil {
			return porter.Errorf(porter.EINVALID, "could not read the request body: %v", err)
		}
		ct := r.Header.Get("Content-Type")
		if ct != "" {
			if k, _, err := kindOf(r); (err != nil || k != jsonBody) && !isNDJSON(ct) {
				return &porter.Error{Code: eUnsupportedMedia, Message: "Content-Type must be application/json or application/x-ndjson, not \"" + ct + "\""}
			}
		}
		rc, err := s.svc.ReceiveIntegration(r.Context(), porter.IntegrationCall{Token: token, MessageID: r.Header.Get("webhook-id"),
			Timestamp: r.Header.Get("webhook-timestamp"), Signature: r.Header.Get("webhook-signature"), ContentType: ct, Body: body})
		if err != nil {
			return err
		}
		return encode(w, r, data{rc})
	}
}

func isNDJSON(ct string) bool {
	for _, mt := range []string{"application/x-ndjson", "application/ndjson"} {
		if len(ct) >= len(mt) && ct[:len(mt)] == mt {
			return true
		}
	}
	return false
}

// addIntegrationRoutes declares the integration endpoints.
func (s *Server) addIntegrationRoutes() {
	const get, post, patch, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
	s.handle(&route{Method: get, Path: "/v1/integrations", API: v1API, Scope: "integrations:read", Tag: "Integrations",
		Summary: "List integrations, newest first", Response: []integrationView{}, List: true, Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "type", Type: "string", Enum: porter.IntegrationTypes}, queryParam{Name: "status", Type: "string", Enum: porter.IntegrationStatuses})},
		s.handleListIntegrations())
	s.handle(&route{Method: post, Path: "/v1/integrations", API: v1API, Scope: "integrations:write", Sensitive: true, Tag: "Integrations",
		Summary: "Add an integration; the response is the only time its secret and receiver URL are shown (422 names what the mapping gets wrong)",
		Request: integrationInput{}, Response: integrationWithSecret{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateIntegration))
	s.handle(&route{Method: get, Path: "/v1/integrations/{id}", API: v1API, Scope: "integrations:read", Tag: "Integrations",
		Summary: "Get an integration with its status, open errors and rejected calls", Response: integrationView{}}, getOne("integration", s.svc.Integration))
	s.handle(&route{Method: patch, Path: "/v1/integrations/{id}", API: v1API, Scope: "integrations:write", Tag: "Integrations",
		Summary: "Edit an integration: a mapping replaces the whole document, credentials replace the old ones, enabled turns it on or off",
		Request: integrationInput{}, Response: integrationView{}, Also: []int{http.StatusUnprocessableEntity}}, updateOne(s, "integration", s.svc.UpdateIntegration))
	s.handle(&route{Method: del, Path: "/v1/integrations/{id}", API: v1API, Scope: "integrations:write", Tag: "Integrations",
		Summary: "Delete an integration and its log (the records it created stay)", Status: http.StatusNoContent}, deleteOne("integration", s.svc.DeleteIntegration))
	s.handle(&route{Method: post, Path: "/v1/integrations/{id}/rotate_secret", API: v1API, Scope: "integrations:write", Sensitive: true, Tag: "Integrations",
		Summary: "Give the integration a new signing secret (and, with receiver_url: true, a new receiver URL); the old ones stop working at once",
		Request: integrationRotate{}, Response: integrationWithSecret{}}, actWith(s, "integration", s.svc.RotateIntegrationSecret))
	s.handle(&route{Method: post, Path: "/v1/integrations/{id}/test", API: v1API, Scope: "integrations:write", Tag: "Integrations",
		Summary:  "Test an integration: a signed call to its endpoint_url through the webhook guard, or, for inbound ones, a check of its mapping",
		Response: integrationTestView{}}, act("integration", s.svc.TestIntegration))
	s.handle(&route{Method: get, Path: "/v1/integrations/{id}/log", API: v1API, Scope: "integrations:read", Tag: "Integrations",
		Summary: "The integration log, newest first: one row per record received or call rejected", Response: []integrationLogView{}, List: true,
		Query: append(listParams[:len(listParams):len(listParams)],
			queryParam{Name: "status", Type: "string", Enum: porter.IntegrationLogStatuses}, queryParam{Name: "entity", Type: "string"},
			queryParam{Name: "source_id", Type: "string", Description: "The source system's record id"},
			queryParam{Name: "from", Type: "date-time", Description: "Received at or after"}, queryParam{Name: "to", Type: "date-time", Description: "Received before"})},
		s.handleIntegrationLog())
	s.handle(&route{Method: post, Path: "/v1/integrations/{id}/retry_failed", API: v1API, Scope: "integrations:write", Tag: "Integrations",
		Summary:  "Retry Failed: replay every open error row through the current mapping, each in its own transaction",
		Response: integrationRetry{}}, act("integration", s.svc.RetryFailedIntegration))
	s.handle(&route{Method: post, Path: "/v1/integrations/{id}/sync", API: v1API, Scope: "integrations:write", Tag: "Integrations",
		Summary:  "Sync now: poll the integration's poll_url at once, through the webhook guard, and answer what the poll fetched and applied (409 without a poll_url, disabled, or while a poll runs)",
		Response: integrationPollView{}, Also: []int{http.StatusConflict}}, act("integration", s.svc.SyncIntegration))
	s.handle(&route{Method: post, Path: "/v1/integrations/{id}/first_sync/complete", API: v1API, Scope: "integrations:write", Tag: "Integrations",
		Summary:  "End the integration's first full sync (seed 001): records it imports from now on reach <model>.DATA_NEW subscriptions; completing again changes nothing",
		Response: integrationView{}}, act("integration", s.svc.CompleteIntegrationFirstSync))
	s.handle(&route{Method: post, Path: "/hooks/{token}", API: hookAPI, Raw: true, Tag: "Integrations",
		Summary:  "The receiver: signed records for an integration, one JSON record, a JSON array or NDJSON; each applied in its own transaction",
		Response: integrationReceipt{}}, s.handleIntegrationReceiver())
}

// hookRequestBody: one record, an array, or NDJSON.
func hookRequestBody() map[string]any {
	envelope := map[string]any{"type": "object", "required": []string{"entity", "id"}, "properties": map[string]any{
		"entity": map[string]any{"type": "string", "description": "The source entity, as the mapping names it: defect, building…"},
		"id":     map[string]any{"type": []string{"string", "integer"}, "description": "The source system's record id: the same id again updates, never duplicates"},
		"data":   map[string]any{"type": "object", "description": "The record's fields, read through the mapping"},
	}}
	return map[string]any{"required": true,
		"description": "Up to 1000 records and 5 MiB per call. Signed the Standard Webhooks way: webhook-signature is v1, + base64 HMAC-SHA256 of webhook-id.webhook-timestamp.body with the integration's secret (the bytes after whsec_, base64-decoded), and webhook-timestamp must be within 5 minutes of Porter's clock.",
		"content": map[string]any{
			"application/json":     map[string]any{"schema": map[string]any{"oneOf": []any{envelope, map[string]any{"type": "array", "items": envelope}}}},
			"application/x-ndjson": map[string]any{"schema": map[string]any{"type": "string", "description": "One record per line"}},
		}}
}

// hookResponses are the receiver's answers besides success.
func hookResponses(out map[string]any) map[string]any {
	out["401"] = ref("responses", "HookUnauthorized")
	for _, c := range []string{porter.EINVALID, porter.ENOTFOUND, porter.ECONFLICT, porter.ETOOLARGE, eUnsupportedMedia, porter.EUNPROCESS} {
		out[strconv.Itoa(statusOf(c))] = ref("responses", "HookProblem")
	}
	return out
}

// hookProblem is a receiver's error: problem+json as in v1, without the
// rate-limit headers (no key is counted).
func hookProblem() map[string]any {
	return map[string]any{
		"description": "The call cannot be taken: 400 (not JSON, no record), 404 (no integration at this URL), 409 (the integration is disabled), 413 (over 5 MiB), 415 (not JSON or NDJSON), 422 (over 1000 records). Nothing is applied.",
		"content":     map[string]any{"application/problem+json": map[string]any{"schema": ref("schemas", "Problem")}},
	}
}

func hookUnauthorized() map[string]any {
	return map[string]any{
		"description": "The signature is missing or wrong, or webhook-timestamp is more than 5 minutes from Porter's clock: the call is logged as rejected and nothing else is written.",
		"content": map[string]any{"application/json": map[string]any{
			"schema":  ref("schemas", "Unauthorized"),
			"example": map[string]any{"error": "unauthorized", "message": "signature does not match"},
		}},
	}
}

func init() {
	requestRules[reflect.TypeFor[porter.IntegrationInput]()] = fieldRules{Required: []string{"name", "type"}}
	tagDescriptions["Integrations"] = "Connectors that feed Porter (seed 002): a mapping turns each source record into a Porter record, every record is logged, and Retry Failed replays the ones that failed once the mapping is fixed."
}
