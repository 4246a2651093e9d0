package http_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
)

// The OpenAPI document is the contract: every response any test of this
// package gets from a Porter server is checked against it, so a status or
// a body the document does not describe fails the test that caused it.

// specCheck holds the validator of the document; it is built once, from
// the first server's own /v1/openapi.json (every test server serves the
// same routes).
var specCheck struct {
	once sync.Once
	mu   sync.Mutex // the validator's caches are not documented as safe for concurrent use
	v    validator.Validator
	err  error
}

func openAPIValidator(h http.Handler) (validator.Validator, error) {
	specCheck.once.Do(func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/openapi.json", nil))
		if rec.Code != http.StatusOK {
			specCheck.err = fmt.Errorf("GET /v1/openapi.json: %d %s", rec.Code, rec.Body)
			return
		}
		doc, err := libopenapi.NewDocument(rec.Body.Bytes())
		if err != nil {
			specCheck.err = fmt.Errorf("parse the OpenAPI document: %w", err)
			return
		}
		v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
		if len(errs) > 0 {
			specCheck.err = fmt.Errorf("build the OpenAPI validator: %v", errs)
			return
		}
		if ok, verrs := v.ValidateDocument(); !ok {
			var msgs []string
			for _, e := range verrs {
				msgs = append(msgs, e.Error())
			}
			specCheck.err = fmt.Errorf("the OpenAPI document is not valid OpenAPI 3.1: %s", strings.Join(msgs, "; "))
			return
		}
		specCheck.v = v
	})
	return specCheck.v, specCheck.err
}

// validated wraps a Porter server so that each of its responses is checked
// against its OpenAPI document; a mismatch fails t, naming the operation,
// the status and what is wrong.
func validated(t *testing.T, h http.Handler) http.Handler {
	t.Helper()
	v, err := openAPIValidator(h)
	if err != nil {
		t.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &captureWriter{ResponseWriter: w}
		h.ServeHTTP(cw, r)
		if r.Method == http.MethodHead {
			return // no body to check; GET's answer is checked
		}
		status := cw.status
		if status == 0 {
			status = http.StatusOK
		}
		res := &http.Response{
			StatusCode: status, Header: w.Header().Clone(), Request: r,
			Body: nopCloser{bytes.NewReader(cw.body.Bytes())}, ContentLength: int64(cw.body.Len()),
		}
		specCheck.mu.Lock()
		_, errs := v.ValidateHttpResponse(r, res)
		specCheck.mu.Unlock()
		var msgs []string
		for _, e := range errs {
			if e.IsPathMissingError() || e.IsOperationMissingError() || e.ValidationSubType == "missingOperation" {
				// Not an operation: a path no route serves (404) or a
				// method it does not take (405).
				continue
			}
			msg := e.Message + ": " + e.Reason
			for _, f := range e.SchemaValidationErrors {
				msg += fmt.Sprintf("\n\t\t%s at %s (%s)", f.Reason, f.FieldPath, f.KeywordLocation)
			}
			msgs = append(msgs, msg)
		}
		if len(msgs) > 0 {
			body := cw.body.String()
			if len(body) > 400 {
				body = body[:400] + "…"
			}
			t.Errorf("OpenAPI: %s %s answered %d, which the document does not describe:\n\t%s\n\tbody: %s",
				r.Method, r.URL.Path, status, strings.Join(msgs, "\n\t"), body)
		}
	})
}

// captureWriter passes a response through and keeps a copy of it.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (c *captureWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// TestSpecValidationCatches proves the check above can fail: a status the
// document does not list, a body of the wrong shape and a 401 without
// WWW-Authenticate are each reported.
func TestSpecValidationCatches(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		v, err := openAPIValidator(a.srv.Config.Handler)
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, method, path string
			status             int
			header             http.Header
			body               string
		}{
			{"undocumented status", "GET", "/v1/tenants/1", http.StatusTeapot, http.Header{"Content-Type": {"application/json"}}, `{}`},
			{"wrong shape", "GET", "/v1/tenants/1", http.StatusOK, http.Header{"Content-Type": {"application/json"},
				"X-Ratelimit-Limit": {"1"}, "X-Ratelimit-Remaining": {"1"}, "X-Ratelimit-Reset": {"1"}}, `{"data": {"id": "seven"}}`},
			{"401 without WWW-Authenticate", "GET", "/v1/tenants", http.StatusUnauthorized, http.Header{"Content-Type": {"application/json"}},
				`{"error":"unauthorized","message":"Missing or invalid Bearer token"}`},
			{"429 without Retry-After", "GET", "/v1/tenants", http.StatusTooManyRequests, http.Header{"Content-Type": {"application/problem+json"}},
				`{"type":"/docs/problems#problem-rate_limited","title":"Too many requests","status":429,"detail":"slow down"}`},
		}
		for _, c := range cases {
			req := httptest.NewRequest(c.method, c.path, nil)
			res := &http.Response{StatusCode: c.status, Header: c.header, Request: req, Body: nopCloser{bytes.NewReader([]byte(c.body))}}
			specCheck.mu.Lock()
			ok, errs := v.ValidateHttpResponse(req, res)
			specCheck.mu.Unlock()
			if ok || len(errs) == 0 {
				t.Errorf("%s: passed validation", c.name)
			}
		}
	})
}
