package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"porter"
	porterhttp "porter/http"
	"porter/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// api is a real Porter server on one engine, with one organization and a
// full-access key, and a second organization to prove isolation.
type api struct {
	t        *testing.T
	srv      *httptest.Server
	svc      *porter.Service
	store    porter.Store
	org      int64
	key      string
	otherOrg int64
	otherKey string
	now      time.Time
	// keyed sends every POST with an Idempotency-Key of its own.
	keyed int
}

func newAPI(t *testing.T, store porter.Store) *api {
	t.Helper()
	return newAPIConfig(t, store, porterhttp.Config{DefaultRateLimit: 1000, UploadDir: t.TempDir(), MaxUploadBytes: 1 << 20})
}

// newAPIConfig is newAPI with the server configured as cfg says.
func newAPIConfig(t *testing.T, store porter.Store, cfg porterhttp.Config) *api {
	t.Helper()
	a := &api{t: t, store: store, now: time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)}
	a.svc = porter.NewService(store, "", nil)
	a.svc.Now = func() time.Time { return a.now }
	a.svc.Secrets, _ = porter.NewSecretBox(bytes.Repeat([]byte{7}, 32)) // fixed: any 32 bytes seal
	h := porterhttp.NewServer(a.svc, cfg, nil)
	a.srv = httptest.NewServer(validated(t, h))
	t.Cleanup(a.srv.Close)
	a.svc.BaseURL = a.srv.URL
	ctx := context.Background()
	a.org, a.key = a.newOrg("Acme", porter.APIKeyInput{Name: "test"})
	a.otherOrg, a.otherKey = a.newOrg("Other", porter.APIKeyInput{Name: "other"})
	_ = ctx
	return a
}

func (a *api) newOrg(name string, in porter.APIKeyInput) (int64, string) {
	a.t.Helper()
	ctx := context.Background()
	org, err := a.svc.CreateOrganization(ctx, name)
	if err != nil {
		a.t.Fatal(err)
	}
	key, _, err := a.svc.CreateAPIKey(ctx, org.ID, in)
	if err != nil {
		a.t.Fatal(err)
	}
	return org.ID, key
}

// response is a decoded reply.
type response struct {
	Status int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

// do sends a request with the default key; body may be a string or a value
// to encode as JSON.
func (a *api) do(method, path string, body any) *response {
	return a.doKey(a.key, method, path, body, nil)
}

func (a *api) doKey(key, method, path string, body any, header http.Header) *response {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, a.srv.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if a.keyed > 0 && method == "POST" && req.Header.Get("Idempotency-Key") == "" {
		a.keyed++
		req.Header.Set("Idempotency-Key", "keyed-"+itoa(a.keyed))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	out := &response{Status: res.StatusCode, Header: res.Header}
	out.Body, _ = io.ReadAll(res.Body)
	_ = json.Unmarshal(out.Body, &out.JSON)
	return out
}

// must fails the test unless the reply has status want.
func (r *response) must(t *testing.T, want int) *response {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
	return r
}

// obj returns the object under key.
func (r *response) obj(key string) map[string]any {
	m, _ := r.JSON[key].(map[string]any)
	return m
}

func (a *api) eventCount() int {
	a.t.Helper()
	l, err := a.svc.Events(context.Background(), a.org, porter.EventFilter{})
	if err != nil {
		a.t.Fatal(err)
	}
	return l.Total
}

func each(t *testing.T, fn func(t *testing.T, a *api)) {
	storetest.Each(t, func(t *testing.T, s porter.Store) { fn(t, newAPI(t, s)) })
}

// scopedKey is a key of the first organization limited to scopes.
func (a *api) scopedKey(scopes ...string) string {
	a.t.Helper()
	key, _, err := a.svc.CreateAPIKey(context.Background(), a.org, porter.APIKeyInput{Name: "scoped", Scopes: scopes})
	if err != nil {
		a.t.Fatal(err)
	}
	return key
}
