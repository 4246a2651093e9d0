package http

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"porter"
)

// touchEvery bounds how often last_used_at is written for one key, so a
// busy key does not turn every read into a write.
const touchEvery = time.Minute

// authenticated checks the Bearer key, the route's scope and the key's rate
// limit, then runs h (through the idempotency layer for POSTs).
func (s *Server) authenticated(w http.ResponseWriter, r *http.Request, rt *route, h handlerFunc) error {
	addr := ClientAddr(r, s.cfg.TrustForwardedFor)
	if blocked, until := s.authFailures.blocked(addr, s.now()); blocked {
		retry := max(1, int(until.Sub(s.now()).Seconds()+0.999))
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		return porter.Errorf(porter.ERATELIMIT, "too many failed authentications from this address; retry in %d seconds", retry)
	}
	key, err := s.authenticate(r)
	if porter.ErrorCode(err) == porter.EUNAUTHORIZED && s.authFailures.fail(addr, s.now()) {
		// No organization is known for a key that does not authenticate:
		// the burst goes to the log (audit log: README), not to an event.
		s.logger.Warn("failed authentication burst: address blocked for the rest of the minute", "addr", addr, "failures", s.cfg.AuthFailureLimit)
	}
	if err != nil {
		if porter.ErrorCode(err) == porter.EUNAUTHORIZED {
			// RFC 9110 §11.6.1: a 401 names the scheme that would work.
			w.Header().Set("WWW-Authenticate", "Bearer")
		}
		return err
	}
	r = r.WithContext(porter.WithActor(context.WithValue(r.Context(), keyCtx, key), s.apiActor(r, key))) // the audit log's actor
	if err := s.rateLimit(w, r, key); err != nil {
		return err
	}
	if rt.Scope != "" && !key.Allows(rt.Scope) {
		return &porter.Error{Code: porter.EFORBIDDEN, Message: "this API key lacks the " + rt.Scope + " scope"}
	}
	if r.Method == http.MethodPost && r.Header.Get("Idempotency-Key") != "" {
		return s.idempotent(w, r, h)
	}
	return h(w, r)
}

func (s *Server) authenticate(r *http.Request) (*porter.APIKey, error) {
	unauthorized := &porter.Error{Code: porter.EUNAUTHORIZED, Message: unauthorizedBody["message"]}
	scheme, text, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	ok = ok && strings.EqualFold(scheme, "Bearer") // RFC 9110: the scheme is case-insensitive
	text = strings.TrimSpace(text)
	if !ok || !porter.APIKeyWellFormed(text) {
		return nil, unauthorized
	}
	hash := porter.HashAPIKey(text)
	// The generation is read before the key: a revocation that commits
	// during the read keeps what was read out of the cache.
	gen := s.svc.APIKeyGeneration()
	key := s.keys.get(hash, gen)
	if key == nil {
		read := time.Now()
		var err error
		key, err = s.store.APIKeyByHash(r.Context(), hash)
		if porter.ErrorCode(err) == porter.ENOTFOUND {
			return nil, unauthorized
		} else if err != nil {
			return nil, err
		}
		if subtle.ConstantTimeCompare(key.Hash, hash) != 1 {
			return nil, unauthorized
		}
		s.keys.put(hash, key, gen, read)
	}
	now := s.now()
	if key.RevokedAt != nil {
		return nil, &porter.Error{Code: porter.EUNAUTHORIZED, Message: "API key has been revoked"}
	}
	if key.Expired(now) {
		return nil, &porter.Error{Code: porter.EUNAUTHORIZED, Message: "API key has expired"}
	}
	if last, ok := s.lastTouch.Load(key.ID); !ok || now.Sub(last.(time.Time)) >= touchEvery {
		s.lastTouch.Store(key.ID, now)
		if err := s.store.TouchAPIKey(r.Context(), key.ID, now.UTC()); err != nil {
			s.logger.Warn("record key use", "key", key.ID, "err", err)
		}
	}
	return key, nil
}

// rateLimit counts the request in the key's one-minute window and sets the
// X-RateLimit headers; beyond the limit it answers 429 with Retry-After.
func (s *Server) rateLimit(w http.ResponseWriter, r *http.Request, key *porter.APIKey) error {
	limit := key.RateLimit
	if limit <= 0 {
		limit = s.cfg.DefaultRateLimit
	}
	now := s.now()
	window := now.UTC().Truncate(time.Minute)
	reset := window.Add(time.Minute)
	n, err := s.store.RateLimit(r.Context(), key.ID, window)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, limit-n)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if n > limit {
		retry := int(reset.Sub(now).Seconds() + 0.999)
		h.Set("Retry-After", strconv.Itoa(max(1, retry)))
		return porter.Errorf(porter.ERATELIMIT, "rate limit of %d requests per minute exceeded; retry in %d seconds", limit, max(1, retry))
	}
	return nil
}

// staleClaim is how long an unfinished Idempotency-Key claim blocks retries:
// a node that died mid-request must not lock the key for a day.
const staleClaim = time.Minute

// idempotent replays the first response to a POST with the same
// Idempotency-Key and body, without a second write; the same key with
// another body is 422.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, h handlerFunc) error {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 255 || !printableASCII(key) {
		return porter.Errorf(porter.EINVALID, "Idempotency-Key must be at most 255 printable ASCII characters")
	}
	var body []byte
	var err error
	if rt := routeFrom(r); rt != nil && rt.Raw {
		// Uploads are multipart: keep the bytes whole, within the upload limit.
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes+1<<20))
		if err != nil {
			return porter.Errorf(porter.ETOOLARGE, "upload is larger than %d bytes", s.cfg.MaxUploadBytes)
		}
	} else if body, err = s.readRaw(w, r); err != nil {
		// Whatever the Content-Type: the handler judges it, from these bytes.
		return err
	}
	// The same JSON with other spacing is the same request.
	canonical := body
	var compact bytes.Buffer
	if json.Compact(&compact, body) == nil {
		canonical = compact.Bytes()
	}
	sum := sha256.New()
	io.WriteString(sum, r.Method+" "+r.URL.Path+"\n")
	sum.Write(canonical)
	hash := sum.Sum(nil)
	org := orgID(r)
	var existing *porter.IdempotencyRecord
	now := s.now().UTC()
	err = s.store.Update(r.Context(), org, func(tx porter.Tx) error {
		claim := &porter.IdempotencyRecord{Key: key, RequestHash: hash, CreatedAt: now}
		var err error
		existing, err = tx.ClaimIdempotencyKey(r.Context(), claim)
		if err == nil && existing != nil && existing.Status == 0 && now.Sub(existing.CreatedAt) > staleClaim {
			// The node that claimed it died mid-request: take the claim over.
			if err = tx.ReleaseIdempotencyKey(r.Context(), key); err == nil {
				existing, err = tx.ClaimIdempotencyKey(r.Context(), claim)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if existing != nil {
		switch {
		case !bytes.Equal(existing.RequestHash, hash):
			return porter.Errorf(porter.EUNPROCESS, "this Idempotency-Key was used with another request body")
		case existing.Status == 0:
			return porter.Errorf(porter.ECONFLICT, "a request with this Idempotency-Key is in progress; retry shortly")
		}
		body := existing.Body
		if routeFrom(r).Sensitive {
			plain, err := s.svc.Secrets.Open(body)
			if err != nil {
				return fmt.Errorf("open remembered response: %w", err)
			}
			body = []byte(plain)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(existing.Status)
		w.Write(body)
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	// The response is stored by the write itself, in its transaction (see
	// inWrite); what the write did not store is stored below.
	in := &inWrite{key: key, hash: hash, claimedAt: now, sensitive: routeFrom(r).Sensitive, secrets: s.svc.Secrets}
	r = r.WithContext(porter.WithCommitHook(r.Context(), in.remember))
	herr := h(rec, r)
	if crash := CrashAfterWrite.Load(); crash != nil && herr == nil {
		(*crash)()
	}
	if herr != nil {
		// Errors are answered but not remembered: a client may fix and retry.
		_ = s.store.Update(context.WithoutCancel(r.Context()), org, func(tx porter.Tx) error {
			return tx.ReleaseIdempotencyKey(r.Context(), key)
		})
		return herr
	}
	remembered := rec.body.Bytes()
	if in.stored && in.status == rec.status && bytes.Equal(in.body, remembered) {
		if s.idempotencyStored != nil {
			s.idempotencyStored(r.Method, routeFrom(r).Path, true)
		}
		return nil // committed with the write
	}
	// A handler that answers otherwise than the write's result (or wrote
	// nothing) is remembered now, in a transaction of its own: see
	// README's Idempotency-Key.
	s.logger.Debug("Idempotency-Key response stored after the write", "method", r.Method, "path", r.URL.Path, "in_write", in.stored)
	if s.idempotencyStored != nil {
		s.idempotencyStored(r.Method, routeFrom(r).Path, false)
	}
	if routeFrom(r).Sensitive {
		if remembered, err = s.svc.Secrets.Seal(string(remembered)); err != nil {
			return fmt.Errorf("seal remembered response: %w", err)
		}
	}
	return s.store.Update(context.WithoutCancel(r.Context()), org, func(tx porter.Tx) error {
		return tx.CompleteIdempotencyKey(r.Context(), key, rec.status, remembered)
	})
}

// recorder passes a response through while keeping a copy.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
