package porter

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The inbound receiver: POST /hooks/{token}. Calls are signed the
// Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature:
// "v1," + base64 HMAC-SHA256 of id.timestamp.body), so integrators verify
// and sign with the libraries they already have.

// Receiver bounds.
const (
	// MaxIntegrationBody is the largest body the receiver reads (413 beyond).
	MaxIntegrationBody = 5 << 20
	// MaxIntegrationRecords is the most records one call may carry (422 beyond).
	MaxIntegrationRecords = 1000
	// IntegrationTimestampTolerance is how far webhook-timestamp may be
	// from Porter's clock, either way, against replay.
	IntegrationTimestampTolerance = 5 * time.Minute
	maxEnvelopeString             = 200
)

// IntegrationCall is one call to the receiver, as the HTTP layer read it.
type IntegrationCall struct {
	Token       string
	MessageID   string // webhook-id
	Timestamp   string // webhook-timestamp, Unix seconds
	Signature   string // webhook-signature
	ContentType string // application/json or application/x-ndjson
	Body        []byte
}

// IntegrationRecordResult is what became of one record of a call.
type IntegrationRecordResult struct {
	Index    int             `json:"index" doc:"The record's position in the call, from 0"`
	Entity   string          `json:"entity"`
	SourceID string          `json:"source_id"`
	Status   string          `json:"status" doc:"success, mapped or error"`
	Target   *IntegrationRef `json:"target"`
	Error    string          `json:"error,omitempty"`
	LogID    int64           `json:"log_id"`
}

// IntegrationReceipt answers a call: one result per record, in order.
type IntegrationReceipt struct {
	Received  int                       `json:"received"`
	Succeeded int                       `json:"succeeded"`
	Mapped    int                       `json:"mapped"`
	Failed    int                       `json:"failed"`
	Results   []IntegrationRecordResult `json:"results"`
}

// IntegrationRetryResult counts what Retry Failed replayed.
type IntegrationRetryResult struct {
	Retried     int          `json:"retried"`
	Succeeded   int          `json:"succeeded"`
	Mapped      int          `json:"mapped"`
	Failed      int          `json:"failed"`
	Skipped     int          `json:"skipped" doc:"Rows not replayable: their record was cut at 64 KiB, or a failed call of Porter's own (_poll, _token), which the next poll retries"`
	Integration *Integration `json:"integration"`
}

// ReceiveIntegration verifies a call to the receiver and applies each of
// its records in its own transaction. A token no integration holds is
// not found; a bad signature or stale timestamp is unauthorized, logged
// as rejected, and nothing else is written.
func (s *Service) ReceiveIntegration(ctx context.Context, call IntegrationCall) (*IntegrationReceipt, error) {
	orgID, id, err := s.Store.IntegrationByToken(ctx, integrationTokenHash(call.Token))
	if err != nil {
		return nil, err
	}
	it, err := s.Integration(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	secret, err := s.integrationSecret(it)
	if err != nil {
		return nil, err
	}
	if reason := verifyIntegrationCall(secret, call, s.Now()); reason != "" {
		if err := s.rejectIntegrationCall(ctx, orgID, it.ID, reason, call.Body); err != nil {
			return nil, err
		}
		return nil, Errorf(EUNAUTHORIZED, "%s", reason)
	}
	if !it.Enabled {
		if err := s.rejectIntegrationCall(ctx, orgID, it.ID, "the integration is disabled", call.Body); err != nil {
			return nil, err
		}
		return nil, Errorf(ECONFLICT, "integration %d is disabled: enable it with PATCH /v1/integrations/%d {\"enabled\": true}", it.ID, it.ID)
	}
	records, err := splitIntegrationRecords(call.ContentType, call.Body)
	if err != nil {
		return nil, err
	}
	rc, lastErr := s.applyIntegrationBatch(ctx, orgID, it, records)
	if _, err := s.refreshIntegration(ctx, orgID, it.ID, lastErr, rc.Succeeded+rc.Mapped > 0); err != nil {
		return nil, err
	}
	return rc, nil
}

// applyIntegrationBatch applies records the receiver took or a poll
// fetched, each in its own transaction (meter readings batched), and
// returns what became of them and the last error.
func (s *Service) applyIntegrationBatch(ctx context.Context, orgID int64, it *Integration, records []json.RawMessage) (*IntegrationReceipt, string) {
	rc := &IntegrationReceipt{Received: len(records), Results: make([]IntegrationRecordResult, 0, len(records))}
	var lastErr string
	batched := s.receiveReadings(ctx, orgID, it, records)
	for i, raw := range records {
		e := batched[i]
		if e == nil {
			e = s.applyIntegrationRecord(ctx, orgID, it, raw, nil)
		}
		rc.Results = append(rc.Results, IntegrationRecordResult{Index: i, Entity: e.Entity, SourceID: e.SourceID, Status: e.Status,
			Target: e.Target, Error: e.Error, LogID: e.ID})
		switch e.Status {
		case LogSuccess:
			rc.Succeeded++
		case LogMapped:
			rc.Mapped++
		default:
			rc.Failed++
			lastErr = e.Error
		}
	}
	return rc, lastErr
}

// verifyIntegrationCall checks the Standard Webhooks signature and the
// timestamp window; it returns why the call is refused, or "".
func verifyIntegrationCall(secret string, call IntegrationCall, now time.Time) string {
	if call.MessageID == "" || call.Timestamp == "" || call.Signature == "" {
		return "missing signature: send webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks)"
	}
	ts, err := strconv.ParseInt(call.Timestamp, 10, 64)
	if err != nil {
		return "webhook-timestamp is not Unix seconds"
	}
	if d := now.Sub(time.Unix(ts, 0)); d > IntegrationTimestampTolerance || d < -IntegrationTimestampTolerance {
		return fmt.Sprintf("webhook-timestamp is %s from Porter's clock; at most %s is accepted (replay protection)",
			d.Abs().Truncate(time.Second), IntegrationTimestampTolerance)
	}
	m := hmac.New(sha256.New, standardKey(secret))
	m.Write([]byte(call.MessageID + "." + call.Timestamp + "."))
	m.Write(call.Body)
	want := m.Sum(nil)
	for _, sig := range strings.Fields(call.Signature) {
		v, b64, ok := strings.Cut(sig, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err == nil && hmac.Equal(got, want) {
			return ""
		}
	}
	return "signature does not match: sign webhook-id.webhook-timestamp.body with the integration's secret (HMAC-SHA256, base64, prefixed v1,)"
}

// standardKey is a Standard Webhooks key: the bytes after whsec_, else
// the secret's own bytes.
func standardKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, webhookSecretPrefix); ok {
		if k, err := base64.StdEncoding.DecodeString(rest); err == nil {
			return k
		}
	}
	return []byte(secret)
}

// rejectIntegrationCall logs a refused call and counts it.
func (s *Service) rejectIntegrationCall(ctx context.Context, orgID, id int64, reason string, body []byte) error {
	_, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (struct{}, error) {
		raw := body
		if len(raw) > maxRejectedRaw {
			raw = raw[:maxRejectedRaw]
		}
		e := &IntegrationLogEntry{IntegrationID: id, ReceivedAt: now, Status: LogRejected, Error: reason, Raw: cleanText(string(raw)),
			Replayable: false, Attempts: 1, UpdatedAt: now}
		if err := tx.InsertIntegrationLog(ctx, e); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, tx.CountIntegrationRejected(ctx, id)
	})
	return err
}

// splitIntegrationRecords cuts a body into records: NDJSON (one per line)
// for application/x-ndjson, else one JSON object or a JSON array of them.
func splitIntegrationRecords(contentType string, body []byte) ([]json.RawMessage, error) {
	var out []json.RawMessage
	tooMany := func() error {
		return Errorf(EUNPROCESS, "the call carries more than %d records; send at most %d per call", MaxIntegrationRecords, MaxIntegrationRecords)
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "application/x-ndjson") {
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(make([]byte, 0, 64<<10), MaxIntegrationBody+1)
		line := 0
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			if !json.Valid(b) {
				return nil, Errorf(EINVALID, "line %d is not valid JSON", line)
			}
			if len(out) == MaxIntegrationRecords {
				return nil, tooMany()
			}
			out = append(out, json.RawMessage(bytes.Clone(b)))
		}
		if err := sc.Err(); err != nil {
			return nil, Errorf(EINVALID, "could not read the NDJSON body: %v", err)
		}
	} else {
		b := bytes.TrimSpace(body)
		if len(b) == 0 {
			return nil, Errorf(EINVALID, "the body is empty: send a JSON record, a JSON array of records, or NDJSON")
		}
		if !json.Valid(b) {
			return nil, Errorf(EINVALID, "the body is not valid JSON (send NDJSON as application/x-ndjson)")
		}
		if b[0] == '[' {
			if err := json.Unmarshal(b, &out); err != nil {
				return nil, Errorf(EINVALID, "the body is not a JSON array of records")
			}
			if len(out) > MaxIntegrationRecords {
				return nil, tooMany()
			}
		} else {
			out = []json.RawMessage{b}
		}
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "the body holds no record")
	}
	return out, nil
}

// parseEnvelope reads {"entity": "defect", "id": "SRC-1", "data": {...}}.
func parseEnvelope(raw []byte) (map[string]any, string, string, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var env map[string]any
	if err := d.Decode(&env); err != nil || env == nil {
		return nil, "", "", Errorf(EUNPROCESS, `the record is not a JSON object: send {"entity": "defect", "id": "SRC-1", "data": {...}}`)
	}
	entity, _ := env["entity"].(string)
	id := mappingString(env["id"])
	if _, isObj := env["id"].(map[string]any); isObj {
		id = ""
	}
	entity = strings.TrimSpace(entity)
	if len(entity) > maxEnvelopeString {
		entity = entity[:maxEnvelopeString]
	}
	if len(id) > maxEnvelopeString {
		return env, entity, id[:maxEnvelopeString], Errorf(EUNPROCESS, "id is longer than %d characters", maxEnvelopeString)
	}
	switch {
	case entity == "":
		return env, "", id, Errorf(EUNPROCESS, "entity is missing: each record names its entity type, e.g. \"entity\": \"defect\"")
	case id == "":
		return env, entity, "", Errorf(EUNPROCESS, "id is missing: each record carries the source system's record id, e.g. \"id\": \"SRC-1\"")
	}
	if _, ok := env["data"].(map[string]any); !ok {
		if _, present := env["data"]; present {
			return env, entity, id, Errorf(EUNPROCESS, "data must be a JSON object")
		}
		env["data"] = map[string]any{}
	}
	return env, entity, id, nil
}

// newIntegrationLogEntry is the log row of a record just received.
func newIntegrationLogEntry(it *Integration, raw []byte) *IntegrationLogEntry {
	text := cleanText(string(raw))
	e := &IntegrationLogEntry{IntegrationID: it.ID, Raw: text, Replayable: true, Attempts: 1}
	if len(text) > MaxIntegrationRaw {
		e.Raw, e.Replayable = text[:MaxIntegrationRaw], false
	}
	return e
}

// applyIntegrationRecord maps one record and applies it in its own
// transaction, writing its log row with it; a record that fails rolls
// back and is logged as error in a transaction of its own. row is the
// log row a retry replays, nil for a new record.
func (s *Service) applyIntegrationRecord(ctx context.Context, orgID int64, it *Integration, raw []byte, row *IntegrationLogEntry) *IntegrationLogEntry {
	e := row
	if e == nil {
		e = newIntegrationLogEntry(it, raw)
	} else {
		e.Attempts++
	}
	env, entity, sourceID, err := parseEnvelope(raw)
	e.Entity, e.SourceID = entity, sourceID
	if err == nil {
		var out IntegrationLogEntry
		out, err = update(ctx, s, orgID, func(tx Tx, now time.Time) (IntegrationLogEntry, error) {
			next := *e
			if next.ID == 0 {
				next.ReceivedAt = now
			}
			next.UpdatedAt = now
			// Seed 001: the events this record's import records name the
			// integration, and whether its first full sync still runs. A
			// completed sync never reopens, so once the integration read
			// as completed the count is skipped: it would match no row, a
			// statement per record for nothing.
			first := false
			if it.FirstSyncCompletedAt == nil {
				var err error
				if first, err = tx.CountIntegrationFirstSyncRecords(ctx, it.ID, 1); err != nil {
					return next, err
				}
			}
			ctx := withEventSource(ctx, eventSource{IntegrationID: it.ID, FirstSync: first})
			ref, status, err := applyMapped(ctx, tx, now, it, env, entity, sourceID)
			if err != nil {
				return next, err
			}
			next.Status, next.Error, next.Target = status, "", ref
			if next.ID == 0 {
				err = tx.InsertIntegrationLog(ctx, &next)
			} else {
				err = tx.UpdateIntegrationLog(ctx, &next)
			}
			if err != nil {
				return next, err
			}
			if err := tx.SupersedeIntegrationErrors(ctx, &next); err != nil {
				return next, err
			}
			if ref != nil {
				err = tx.PutIntegrationLink(ctx, &IntegrationLink{IntegrationID: it.ID, Entity: entity, SourceID: sourceID,
					TargetType: ref.Type, TargetID: ref.ID, CreatedAt: now, UpdatedAt: now})
			}
			return next, err
		})
		if err == nil {
			*e = out
			return e
		}
	}
	e.Status, e.Target, e.Error = LogError, nil, ErrorMessage(err)
	if ErrorCode(err) == EINTERNAL {
		s.Logger.Error("integration record", "integration", it.ID, "entity", entity, "source_id", sourceID, "err", err)
		e.Error = "internal error applying the record; retry it, and report it if it persists"
	}
	_, werr := update(ctx, s, orgID, func(tx Tx, now time.Time) (struct{}, error) {
		if e.ID == 0 {
			e.ReceivedAt = now
		}
		e.UpdatedAt = now
		var err error
		if e.ID == 0 {
			err = tx.InsertIntegrationLog(ctx, e)
		} else {
			err = tx.UpdateIntegrationLog(ctx, e)
		}
		if err != nil || e.Entity == "" || e.SourceID == "" {
			return struct{}{}, err
		}
		// The latest copy of a source record is the one that counts: an
		// older error of it is no longer open.
		return struct{}{}, tx.SupersedeIntegrationErrors(ctx, e)
	})
	if werr != nil {
		s.Logger.Error("integration log", "integration", it.ID, "err", werr)
	}
	return e
}

// applyMapped finds a record's entity mapping and target, resolves its
// fields and applies it (or, with auto_create off, only maps it).
func applyMapped(ctx context.Context, tx Tx, now time.Time, it *Integration, env map[string]any, entity, sourceID string) (*IntegrationRef, string, error) {
	em := it.Mapping.Entities[entity]
	if em == nil {
		return nil, "", Errorf(EUNPROCESS, "entity '%s' has no mapping (add it to mapping.entities)", entity)
	}
	t, ok := integrationTargets[em.Target]
	if !ok {
		return nil, "", Errorf(EUNPROCESS, "entity '%s' maps to target %s", entity, unknownTargetMessage(em.Target))
	}
	values, mapped, err := it.Mapping.resolve(em, t, env)
	if err != nil {
		return nil, "", err
	}
	if err := tx.LockIntegrationSource(ctx, it.ID, entity, sourceID); err != nil {
		return nil, "", err
	}
	link, err := tx.IntegrationLink(ctx, it.ID, entity, sourceID)
	if ErrorCode(err) == ENOTFOUND {
		link = nil
	} else if err != nil {
		return nil, "", err
	}
	if em.AutoCreate != nil && !*em.AutoCreate {
		if link != nil {
			return &IntegrationRef{link.TargetType, link.TargetID}, LogMapped, nil
		}
		return nil, LogMapped, nil
	}
	r := &integrationRecord{Integration: it, Entity: entity, SourceID: sourceID, Mapping: em, Values: values, Mapped: mapped, Link: link}
	ref, err := t.apply(ctx, tx, now, r)
	if err != nil {
		return nil, "", err
	}
	if ref.Type == "" {
		return nil, LogSuccess, nil // applied, writing no record (a cleared alarm)
	}
	return &ref, LogSuccess, nil
}

// RetryFailedIntegration replays every open error of an integration
// through its current mapping, oldest first, each in its own transaction.
func (s *Service) RetryFailedIntegration(ctx context.Context, orgID, id int64) (*IntegrationRetryResult, error) {
	it, err := s.Integration(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	res := &IntegrationRetryResult{}
	var lastErr string
	var after int64
	for {
		rows, err := view(ctx, s, orgID, func(tx Tx) ([]*IntegrationLogEntry, error) {
			return tx.OpenIntegrationErrors(ctx, id, after, 100)
		})
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			after = row.ID
			if !row.Replayable {
				res.Skipped++
				continue
			}
			res.Retried++
			e := s.applyIntegrationRecord(ctx, orgID, it, []byte(row.Raw), row)
			switch e.Status {
			case LogSuccess:
				res.Succeeded++
			case LogMapped:
				res.Mapped++
			default:
				res.Failed++
				lastErr = e.Error
			}
		}
		if len(rows) < 100 {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if res.Integration, err = s.refreshIntegration(ctx, orgID, id, lastErr, res.Succeeded+res.Mapped > 0); err != nil {
		return nil, err
	}
	return res, nil
}

// refreshIntegration recounts an integration's open errors after records
// were applied and sets its status: error while any is open. Turning to
// error records integration.failed and mails the organization's admins;
// recovering records integration.updated.
func (s *Service) refreshIntegration(ctx context.Context, orgID, id int64, lastErr string, succeeded bool) (*Integration, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Integration, error) {
		it, err := tx.IntegrationForUpdate(ctx, id) // an edit at the same time must not be overwritten
		if err != nil {
			return nil, err
		}
		before := *it
		if it.OpenErrors, err = tx.CountOpenIntegrationErrors(ctx, id); err != nil {
			return nil, err
		}
		if lastErr != "" {
			it.LastError, it.LastErrorAt = lastErr, &now
		}
		if succeeded {
			it.LastSuccessAt = &now
		}
		it.refreshStatus()
		if unchanged(&before, it) {
			return it, nil
		}
		if err := tx.UpdateIntegration(ctx, it); err != nil {
			return nil, fmt.Errorf("refresh integration: %w", err)
		}
		switch {
		case it.Status == IntegrationError && before.Status != IntegrationError:
			if err := record(ctx, tx, now, "integration.failed", "integration", it.ID, it, &before); err != nil {
				return nil, err
			}
			return it, s.alertIntegrationAdmins(ctx, tx, now, it)
		case it.Status != before.Status:
			return it, record(ctx, tx, now, "integration.updated", "integration", it.ID, it, &before)
		}
		return it, nil
	})
}

// alertIntegrationAdmins mails the organization's admin staff that an
// integration turned to error, as failing webhooks do.
func (s *Service) alertIntegrationAdmins(ctx context.Context, tx Tx, now time.Time, it *Integration) error {
	admins, err := tx.StaffList(ctx, StaffFilter{ListParams: ListParams{Page: 1, PerPage: MaxPerPage}, Role: "admin"})
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("Integration %s is in error", it.Name)
	body := fmt.Sprintf("Integration %d (%s) could not apply %d record(s). The last error: %s\n\n"+
		"Read them with GET /v1/integrations/%d/log?status=error, fix the mapping (usually a value it has no entry for), "+
		"then replay them with POST /v1/integrations/%d/retry_failed.\n", it.ID, it.Name, it.OpenErrors, it.LastError, it.ID, it.ID)
	for _, a := range admins.Items {
		if a.Email == "" {
			continue
		}
		m := &Message{Channel: "email", To: a.Email, Subject: subject, Body: body, Status: MessageQueued, CreatedAt: now}
		if err := tx.InsertMessage(ctx, m); err != nil {
			return err
		}
	}
	return nil
}
