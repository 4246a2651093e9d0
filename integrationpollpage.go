package porter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// One page of a poll: the call to poll_url through the guarded client,
// its log row, and the records the answer holds.

// pollPageResult is one page a poll read.
type pollPageResult struct {
	records   []json.RawMessage
	next      string
	watermark string
}

// callResult is one HTTP call's outcome, as its log row shows it.
type callResult struct {
	status int
	ms     int64
	err    string
}

// pollPage fetches one page through the guarded client and logs the call.
func (s *Service) pollPage(ctx context.Context, orgID int64, it *Integration, auth pollAuthorizer, watermark, cursor string) (pollPageResult, callResult, bool) {
	var page pollPageResult
	u, err := url.Parse(it.PollURL)
	if err != nil {
		return page, s.logCall(ctx, orgID, it, PollEntity, "GET "+it.PollURL, callResult{err: fmt.Sprintf("poll_url: %v", err)}, nil), false
	}
	q := u.Query()
	if watermark != "" {
		q.Set("since", watermark)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	u.RawQuery = q.Encode()
	what := "GET " + u.String()
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return page, s.logCall(ctx, orgID, it, PollEntity, what, callResult{err: fmt.Sprintf("poll_url: %v", err)}, nil), false
	}
	req.Header.Set("Accept", "application/json, application/x-ndjson")
	req.Header.Set("User-Agent", "Porter-Integration/1")
	if err := auth(ctx, orgID, req); err != nil {
		// The token call logged itself; the poll did not happen.
		return page, callResult{err: err.Error()}, false
	}
	body, ct, call := s.doCall(ctx, req)
	if call.status == http.StatusUnauthorized && it.CredentialType == CredentialOAuthClient {
		s.forgetToken(it.ID) // revoked or expired early: the next poll gets a new one
	}
	if call.err == "" {
		var perr error
		page, perr = parsePollPage(ct, body)
		switch {
		case perr != nil:
			call.err = "the answer is not records: " + ErrorMessage(perr)
		case cursor != "" && page.next == cursor:
			call.err = "next_cursor repeats the cursor just sent: following it would fetch the same page forever"
		}
	}
	if call.err != "" {
		return page, s.logCall(ctx, orgID, it, PollEntity, what, call, body), true
	}
	return page, s.logCall(ctx, orgID, it, PollEntity, what, call, nil), true
}

// doCall sends req through the guarded client, bounded in time and size.
func (s *Service) doCall(ctx context.Context, req *http.Request) ([]byte, string, callResult) {
	var call callResult
	if s.ICalClient == nil {
		call.err = "outbound calls are not configured on this server"
		return nil, "", call
	}
	ctx, cancel := context.WithTimeout(ctx, PollFetchTimeout)
	defer cancel()
	start := time.Now()
	resp, err := s.ICalClient.Do(req.WithContext(ctx))
	defer func() { call.ms = time.Since(start).Milliseconds() }()
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			call.err = fmt.Sprintf("no answer: timed out after %s", time.Since(start).Round(time.Millisecond))
		} else {
			call.err = fmt.Sprintf("the call failed: %v", err)
		}
		call.ms = time.Since(start).Milliseconds()
		return nil, "", call
	}
	defer resp.Body.Close()
	call.status = resp.StatusCode
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxIntegrationBody+1))
	call.ms = time.Since(start).Milliseconds()
	switch {
	case err != nil:
		call.err = fmt.Sprintf("reading the answer failed: %v", err)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		call.err = fmt.Sprintf("the endpoint answered HTTP %d", resp.StatusCode)
	case len(body) > MaxIntegrationBody:
		call.err = fmt.Sprintf("the answer is larger than %d bytes: answer fewer records per page", MaxIntegrationBody)
		body = body[:maxCallRaw]
	}
	return body, resp.Header.Get("Content-Type"), call
}

// logCall writes a call's log row: success, or an open error a later
// successful call of the same kind closes. body is kept, cut, on errors.
func (s *Service) logCall(ctx context.Context, orgID int64, it *Integration, entity, what string, call callResult, body []byte) callResult {
	raw := what
	if len(body) > 0 {
		b := body
		if len(b) > maxCallRaw {
			b = b[:maxCallRaw]
		}
		raw += "\n\n" + string(b)
	}
	status := LogSuccess
	if call.err != "" {
		status = LogError
	}
	e := &IntegrationLogEntry{IntegrationID: it.ID, Entity: entity, Status: status, Error: call.err, Raw: cleanText(raw),
		Attempts: 1, DurationMS: &call.ms}
	if call.status != 0 {
		e.HTTPStatus = &call.status
	}
	// Logged even when the caller has gone: the call happened.
	ctx = context.WithoutCancel(ctx)
	_, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (struct{}, error) {
		e.ReceivedAt, e.UpdatedAt = now, now
		if err := tx.InsertIntegrationLog(ctx, e); err != nil {
			return struct{}{}, err
		}
		if status != LogSuccess {
			return struct{}{}, nil
		}
		return struct{}{}, tx.SupersedeIntegrationErrors(ctx, e)
	})
	if err != nil {
		s.Logger.Error("integration call log", "integration", it.ID, "entity", entity, "err", err)
	}
	return call
}

// parsePollPage reads a page: NDJSON, a JSON array of records, one
// record, or {"data": [...], "next_cursor": "...", "watermark": "..."}.
// An empty page is no records.
func parsePollPage(contentType string, body []byte) (pollPageResult, error) {
	var page pollPageResult
	b := bytes.TrimSpace(body)
	if len(b) == 0 || bytes.Equal(b, []byte("[]")) {
		return page, nil
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "application/x-ndjson") {
		var err error
		page.records, err = splitIntegrationRecords("application/x-ndjson", b)
		return page, err
	}
	if b[0] == '{' {
		var env struct {
			Data       json.RawMessage `json:"data"`
			NextCursor json.RawMessage `json:"next_cursor"`
			Watermark  json.RawMessage `json:"watermark"`
		}
		if err := json.Unmarshal(b, &env); err != nil {
			return page, Errorf(EINVALID, "the body is not valid JSON")
		}
		if d := bytes.TrimSpace(env.Data); len(d) > 0 && d[0] == '[' {
			var err error
			if page.next, err = pageString("next_cursor", env.NextCursor); err != nil {
				return page, err
			}
			if page.watermark, err = pageString("watermark", env.Watermark); err != nil {
				return page, err
			}
			if err := json.Unmarshal(d, &page.records); err != nil {
				return page, Errorf(EINVALID, "data is not an array of records")
			}
			if len(page.records) > MaxIntegrationRecords {
				return page, Errorf(EUNPROCESS, "the page carries more than %d records; answer at most %d per page", MaxIntegrationRecords, MaxIntegrationRecords)
			}
			return page, nil
		}
	}
	if b[0] != '[' && b[0] != '{' {
		return page, Errorf(EINVALID, "the body is not a JSON array, a JSON object or NDJSON (application/x-ndjson)")
	}
	var err error
	page.records, err = splitIntegrationRecords("application/json", b)
	return page, err
}

// pageString reads next_cursor or watermark: a string (a number is taken
// as its digits), or null or absent for none.
func pageString(field string, raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if len(s) > 2048 {
			return "", Errorf(EINVALID, "%s is longer than 2048 characters", field)
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", Errorf(EINVALID, "%s must be a string", field)
}
