package porter

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The scheduled REST poll (issue 11): an integration with sync_mode
// scheduled is polled at its poll_url every sync_interval_seconds. Each
// page answers records in the shapes the receiver takes, and each record
// goes through the receiver's apply path and log. Every HTTP call Porter
// makes for it is itself a log row (entity _poll, or _token for an OAuth
// token), so a failing endpoint is an error in the log like any other,
// turning the integration to error until a later call succeeds.

// Poll bounds.
const (
	// PollFetchTimeout bounds one HTTP call of a poll (the guarded
	// client's own bound, porter serve's, is the same).
	PollFetchTimeout = ICalFetchTimeout
	// MaxPollPages is how many pages one poll follows; a longer cycle
	// resumes at its next_cursor at the next scheduler pass.
	MaxPollPages = 20
	// pollBudget bounds a whole poll, well inside its lease.
	pollBudget = 10 * time.Minute
	pollLease  = 15 * time.Minute
	// maxPollBackoff caps the wait after failed polls.
	maxPollBackoff = 24 * time.Hour
	// PollEntity and TokenEntity name the log rows of Porter's own calls.
	PollEntity  = "_poll"
	TokenEntity = "_token"
	// maxCallRaw is what a call's row keeps of an error answer.
	maxCallRaw = 1 << 10
)

// IntegrationPollState is where an integration's poll stands.
type IntegrationPollState struct {
	IntegrationID int64
	NextPollAt    time.Time
	LeaseUntil    *time.Time
	// Watermark is what the last complete cycle ended at, sent as since=.
	Watermark string
	// Cursor is the page a cycle cut short (page bound, failure) resumes
	// at; empty between cycles.
	Cursor         string
	CycleStartedAt *time.Time
	Failures       int // consecutive failed polls, for the backoff
	LastPollAt     *time.Time
}

// IntegrationPollTx stores the poll's state.
type IntegrationPollTx interface {
	// DueIntegrationPolls lists the enabled scheduled integrations whose
	// poll is due at now and not held by a node.
	DueIntegrationPolls(ctx context.Context, now time.Time) ([]int64, error)
	// ClaimIntegrationPoll leases an integration's poll until until if no
	// node holds it and it is due by dueBy; ok is false otherwise.
	ClaimIntegrationPoll(ctx context.Context, id int64, now, until, dueBy time.Time) (st *IntegrationPollState, ok bool, err error)
	// FinishIntegrationPoll stores st and releases the lease.
	FinishIntegrationPoll(ctx context.Context, st *IntegrationPollState) error
	IntegrationPoll(ctx context.Context, id int64) (*IntegrationPollState, error)
}

// IntegrationPollResult is what one poll did.
type IntegrationPollResult struct {
	IntegrationID int64        `json:"integration_id"`
	Pages         int          `json:"pages" doc:"Pages fetched from poll_url"`
	Received      int          `json:"received" doc:"Records on those pages"`
	Succeeded     int          `json:"succeeded"`
	Mapped        int          `json:"mapped"`
	Failed        int          `json:"failed" doc:"Records logged as error (their mapping gaps)"`
	Complete      bool         `json:"complete" doc:"The cycle reached its last page (no next_cursor): the watermark moved"`
	OK            bool         `json:"ok" doc:"Every call answered 2xx with records Porter could read"`
	Error         string       `json:"error,omitempty" doc:"Why the poll stopped: the endpoint's answer, a timeout, a body that is not records"`
	HTTPStatus    int          `json:"http_status,omitempty" doc:"The last call's HTTP status"`
	DurationMS    int64        `json:"duration_ms" doc:"Time spent in calls"`
	Watermark     string       `json:"watermark" doc:"Sent as since= by the next cycle"`
	Cursor        string       `json:"cursor" doc:"The next_cursor the next poll resumes at; empty when the cycle is complete"`
	NextPollAt    *time.Time   `json:"next_poll_at"`
	Integration   *Integration `json:"integration"`
}

// SyncIntegration polls an integration now (POST /v1/integrations/{id}/sync),
// whatever its schedule, and answers what the poll did. A poll already
// running, on this node or another, is a conflict.
func (s *Service) SyncIntegration(ctx context.Context, orgID, id int64) (*IntegrationPollResult, error) {
	it, err := s.Integration(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if it.PollURL == "" {
		return nil, Errorf(ECONFLICT, "integration %d has no poll_url: set sync_mode scheduled, sync_interval_seconds and poll_url with PATCH /v1/integrations/%d", id, id)
	}
	if !it.Enabled {
		return nil, Errorf(ECONFLICT, "integration %d is disabled: enable it with PATCH /v1/integrations/%d {\"enabled\": true}", id, id)
	}
	st, ok, err := s.claimPoll(ctx, orgID, id, time.Time{})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(ECONFLICT, "integration %d is being polled right now; its result will be in GET /v1/integrations/%d/log", id, id)
	}
	return s.poll(ctx, orgID, it, st)
}

// claimPoll leases id's poll; a zero dueBy claims it whenever it is due.
func (s *Service) claimPoll(ctx context.Context, orgID, id int64, dueBy time.Time) (*IntegrationPollState, bool, error) {
	var st *IntegrationPollState
	var ok bool
	err := s.Store.Update(ctx, orgID, func(tx Tx) error {
		now := s.now()
		if dueBy.IsZero() {
			dueBy = now.AddDate(100, 0, 0)
		}
		var err error
		st, ok, err = tx.ClaimIntegrationPoll(ctx, id, now, now.Add(pollLease), dueBy)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("claim integration poll: %w", err)
	}
	return st, ok, nil
}

// PollDueIntegrations polls, in every organization, each scheduled
// integration whose poll is due, claiming each so that one node polls it.
// A failed poll is logged on the integration and retried with backoff.
func (s *Service) PollDueIntegrations(ctx context.Context) (polled, failed int, err error) {
	orgs, err := s.Store.Organizations(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("poll integrations: %w", err)
	}
	var errs []error
	for _, org := range orgs {
		var due []int64
		if err := s.Store.View(ctx, org.ID, func(tx Tx) error {
			due, err = tx.DueIntegrationPolls(ctx, s.now())
			return err
		}); err != nil {
			errs = append(errs, fmt.Errorf("organization %d: %w", org.ID, err))
			continue
		}
		for _, id := range due {
			if ctx.Err() != nil {
				return polled, failed, ctx.Err()
			}
			st, ok, err := s.claimPoll(ctx, org.ID, id, s.now())
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if !ok {
				continue // another node holds it, or polled it since
			}
			it, err := s.Integration(ctx, org.ID, id)
			if err == nil && (!it.Enabled || it.SyncMode != SyncScheduled || it.PollURL == "") {
				// Edited since it was listed: let the claim go unused.
				err = s.Store.Update(ctx, org.ID, func(tx Tx) error { return tx.FinishIntegrationPoll(ctx, st) })
				if err == nil {
					continue
				}
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			res, err := s.poll(ctx, org.ID, it, st)
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("integration %d: %w", id, err))
				failed++
			case !res.OK:
				failed++
			default:
				polled++
			}
		}
	}
	return polled, failed, errors.Join(errs...)
}

// RunIntegrationPoller polls the due integrations every interval until
// ctx ends. Every node runs it; each integration's poll is claimed.
func (s *Service) RunIntegrationPoller(ctx context.Context, every time.Duration, logger *slog.Logger) {
	if logger == nil {
		logger = s.Logger
	}
	runEvery(ctx, every, func() {
		if n, f, err := s.PollDueIntegrations(ctx); err != nil && ctx.Err() == nil {
			logger.Error("integration poller pass failed", "err", err)
		} else if n+f > 0 {
			logger.Info("polled integrations", "ok", n, "failed", f)
		}
	})
}

// poll runs one claimed poll: it follows pages from the state's cursor
// (or, starting a cycle, since its watermark) up to MaxPollPages, applies
// their records, stores where it stopped and releases the claim.
func (s *Service) poll(ctx context.Context, orgID int64, it *Integration, st *IntegrationPollState) (*IntegrationPollResult, error) {
	pctx, cancel := context.WithTimeout(ctx, pollBudget)
	defer cancel()
	start := s.now()
	res := &IntegrationPollResult{IntegrationID: it.ID, OK: true}
	cycleStart := st.CycleStartedAt
	if st.Cursor == "" || cycleStart == nil {
		cycleStart = &start
	}
	cursor, watermark, lastErr := st.Cursor, "", ""
	auth, authErr := s.pollAuth(it)
	if authErr != nil {
		call := s.logCall(ctx, orgID, it, PollEntity, "GET "+it.PollURL, callResult{err: authErr.Error()}, nil)
		res.OK, res.Error = false, call.err
	}
	for range MaxPollPages {
		if authErr != nil {
			break
		}
		page, call, fetched := s.pollPage(pctx, orgID, it, auth, st.Watermark, cursor)
		if fetched {
			res.Pages++
		}
		res.HTTPStatus, res.DurationMS = call.status, res.DurationMS+call.ms
		if call.err != "" {
			res.OK, res.Error = false, call.err
			break
		}
		if len(page.records) > 0 {
			rc, le := s.applyIntegrationBatch(ctx, orgID, it, page.records)
			res.Received += rc.Received
			res.Succeeded, res.Mapped, res.Failed = res.Succeeded+rc.Succeeded, res.Mapped+rc.Mapped, res.Failed+rc.Failed
			if le != "" {
				lastErr = le
			}
		}
		cursor = page.next
		if page.next == "" {
			res.Complete, watermark = true, page.watermark
			break
		}
	}
	now := s.now()
	next := *st
	next.LastPollAt, next.LeaseUntil = &now, nil
	interval := time.Duration(max(it.SyncIntervalSeconds, minSyncIntervalSeconds)) * time.Second
	switch {
	case !res.OK:
		next.Failures++
		next.Cursor, next.CycleStartedAt = cursor, cycleStart
		next.NextPollAt = now.Add(pollBackoff(interval, next.Failures))
		lastErr = res.Error
	case res.Complete:
		if watermark == "" {
			watermark = cycleStart.UTC().Format(time.RFC3339)
		}
		next.Failures, next.Watermark, next.Cursor, next.CycleStartedAt = 0, watermark, "", nil
		next.NextPollAt = now.Add(interval)
	default: // cut at the page bound: resume at once
		next.Failures, next.Cursor, next.CycleStartedAt = 0, cursor, cycleStart
		next.NextPollAt = now
	}
	// The claim is released whatever happens to the caller's context.
	fctx := context.WithoutCancel(ctx)
	if err := s.Store.Update(fctx, orgID, func(tx Tx) error { return tx.FinishIntegrationPoll(fctx, &next) }); err != nil {
		return nil, fmt.Errorf("finish integration poll: %w", err)
	}
	res.Watermark, res.Cursor, res.NextPollAt = next.Watermark, next.Cursor, &next.NextPollAt
	updated, err := s.refreshIntegration(fctx, orgID, it.ID, lastErr, res.OK || res.Succeeded+res.Mapped > 0)
	if err != nil {
		return nil, err
	}
	if res.OK && res.Complete && updated.FirstSyncCompletedAt == nil {
		if updated, err = s.completeFirstSync(fctx, orgID, it.ID); err != nil {
			return nil, err
		}
	}
	res.Integration = updated
	return res, nil
}

// pollBackoff is the wait after failures consecutive failed polls: the
// interval, doubled with each further failure, at most a day (or the
// interval, when that is longer).
func pollBackoff(interval time.Duration, failures int) time.Duration {
	d := interval << min(max(failures-1, 0), 10)
	return min(d, max(maxPollBackoff, interval))
}

// completeFirstSync records that the integration's first poll cycle
// fetched every page: seed 001's DATA_NEW gate reads it.
func (s *Service) completeFirstSync(ctx context.Context, orgID, id int64) (*Integration, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Integration, error) {
		it, err := tx.Integration(ctx, id)
		if err != nil || it.FirstSyncCompletedAt != nil {
			return it, err
		}
		before := *it
		it.FirstSyncCompletedAt = &now
		if err := tx.UpdateIntegration(ctx, it); err != nil {
			return nil, fmt.Errorf("complete first sync: %w", err)
		}
		audited(tx, "integration", it.ID, &before, it)
		return it, nil
	})
}

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

// pollAuthorizer sets a poll call's credentials.
type pollAuthorizer func(ctx context.Context, orgID int64, req *http.Request) error

// pollAuth opens the integration's credentials once per poll.
func (s *Service) pollAuth(it *Integration) (pollAuthorizer, error) {
	if s.Secrets == nil {
		return nil, errors.New("no secret box is configured to open the integration's credentials")
	}
	if it.CredentialType == CredentialSharedSecret {
		secret, err := s.integrationSecret(it)
		if err != nil {
			return nil, fmt.Errorf("open the integration's secret: %w", err)
		}
		return func(_ context.Context, _ int64, req *http.Request) error {
			signStandardRequest(req, secret, s.Now(), nil)
			return nil
		}, nil
	}
	var c IntegrationCredentialsInput
	opened, err := s.Secrets.Open(it.CredentialsSealed)
	if err == nil {
		err = json.Unmarshal([]byte(opened), &c)
	}
	if err != nil {
		return nil, fmt.Errorf("open the integration's credentials: %w", err)
	}
	switch it.CredentialType {
	case CredentialAPIKey:
		return func(_ context.Context, _ int64, req *http.Request) error {
			if c.APIKeyHeader != "" {
				req.Header.Set(c.APIKeyHeader, c.APIKey)
			} else {
				req.Header.Set("Authorization", "Bearer "+c.APIKey)
			}
			return nil
		}, nil
	case CredentialOAuthClient:
		key := sha256.Sum256(it.CredentialsSealed)
		return func(ctx context.Context, orgID int64, req *http.Request) error {
			token, err := s.oauthToken(ctx, orgID, it, &c, key)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", "Bearer "+token)
			return nil
		}, nil
	}
	return nil, fmt.Errorf("credential type %q cannot authenticate a poll", it.CredentialType)
}

// signStandardRequest signs a request the Standard Webhooks way:
// webhook-signature is v1, + base64 HMAC-SHA256 of id.timestamp.body.
func signStandardRequest(req *http.Request, secret string, now time.Time, body []byte) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	msgID := "msg_" + hex.EncodeToString(b[:])
	stamp := strconv.FormatInt(now.Unix(), 10)
	m := hmac.New(sha256.New, standardKey(secret))
	m.Write([]byte(msgID + "." + stamp + "."))
	m.Write(body)
	req.Header.Set("webhook-id", msgID)
	req.Header.Set("webhook-timestamp", stamp)
	req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
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

// oauthTokens caches OAuth client-credentials tokens per integration
// until they expire, keyed by the sealed credentials so that new ones
// fetch a new token.
type oauthTokens struct {
	mu sync.Mutex
	m  map[int64]oauthToken
}

type oauthToken struct {
	key     [32]byte
	token   string
	expires time.Time
}

// tokens is the service's token cache, made on first use.
func (s *Service) tokens() *oauthTokens {
	s.pollTokensOnce.Do(func() { s.pollTokens = &oauthTokens{m: map[int64]oauthToken{}} })
	return s.pollTokens
}

// oauthToken returns a cached token, or fetches one from token_url with
// the client credentials grant (HTTP Basic client authentication),
// logging the call as a _token row.
func (s *Service) oauthToken(ctx context.Context, orgID int64, it *Integration, c *IntegrationCredentialsInput, key [32]byte) (string, error) {
	cache := s.tokens()
	cache.mu.Lock()
	t, ok := cache.m[it.ID]
	cache.mu.Unlock()
	if ok && t.key == key && time.Now().Before(t.expires) {
		return t.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequest(http.MethodPost, c.TokenURL, strings.NewReader(form.Encode()))
	what := "POST " + c.TokenURL
	if err != nil {
		call := s.logCall(ctx, orgID, it, TokenEntity, what, callResult{err: fmt.Sprintf("token_url: %v", err)}, nil)
		return "", errors.New("could not get an OAuth token: " + call.err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Porter-Integration/1")
	req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	body, _, call := s.doCall(ctx, req)
	var tok struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if call.err == "" {
		if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
			call.err = "the token endpoint answered no access_token"
		}
	}
	if call.err != "" {
		s.logCall(ctx, orgID, it, TokenEntity, what, call, body)
		return "", errors.New("could not get an OAuth token: " + call.err)
	}
	s.logCall(ctx, orgID, it, TokenEntity, what, call, nil)
	// Without expires_in the token is reused for a minute; with it, until
	// 30 seconds before it expires.
	life := time.Minute
	if n, err := pageString("expires_in", tok.ExpiresIn); err == nil && n != "" {
		if secs, err := strconv.ParseFloat(n, 64); err == nil && secs > 0 {
			life = max(time.Duration(secs)*time.Second-30*time.Second, 0)
		}
	}
	cache.mu.Lock()
	cache.m[it.ID] = oauthToken{key: key, token: tok.AccessToken, expires: time.Now().Add(life)}
	cache.mu.Unlock()
	return tok.AccessToken, nil
}
