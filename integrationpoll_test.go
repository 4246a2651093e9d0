package porter_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"porter"
	"porter/storetest"
	"porter/webhook"
)

// pollSource is a real loopback HTTP endpoint an integration polls: it
// answers each request through answer and remembers what it was asked.
type pollSource struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []*http.Request
	answer func(w http.ResponseWriter, r *http.Request)
}

func newPollSource(t testing.TB, answer func(w http.ResponseWriter, r *http.Request)) *pollSource {
	t.Helper()
	p := &pollSource{answer: answer}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.reqs = append(p.reqs, r.Clone(r.Context()))
		answer := p.answer
		p.mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *pollSource) requests(path string) []*http.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*http.Request
	for _, r := range p.reqs {
		if r.URL.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func (p *pollSource) set(answer func(w http.ResponseWriter, r *http.Request)) {
	p.mu.Lock()
	p.answer = answer
	p.mu.Unlock()
}

// pollFixture is the integration fixture with the webhook guard, allowed
// to reach loopback, as the poll's client.
func pollFixture(t testing.TB, s porter.Store) *integrationFixture {
	t.Helper()
	f := newIntegrationFixture(t, s)
	guard := &webhook.Guard{AllowPrivate: true}
	f.svc.CheckWebhookURL = guard.CheckURL
	f.svc.ICalClient = guard.Client(5 * time.Second)
	t.Cleanup(f.svc.ICalClient.CloseIdleConnections)
	return f
}

// scheduled creates a scheduled integration polling url whose defects
// become work orders in the fixture's property.
func (f *integrationFixture) scheduled(t testing.TB, url string, creds *porter.IntegrationCredentialsInput) *porter.IntegrationWithSecret {
	t.Helper()
	mapping := &porter.IntegrationMapping{Entities: map[string]*porter.IntegrationEntityMapping{
		"defect": {Target: "work_order", Fields: map[string]string{"title": "summary"}, Defaults: map[string]any{"property_id": float64(f.prop.ID)}},
	}}
	it, err := f.svc.CreateIntegration(f.ctx, f.org, porter.IntegrationInput{Name: ptr("Snag list"), Type: ptr("handover"),
		SyncMode: ptr("scheduled"), SyncIntervalSeconds: ptr(300), PollURL: &url, Credentials: creds, Mapping: mapping})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func (f *integrationFixture) pollLog(t *testing.T, id int64, entity string) []*porter.IntegrationLogEntry {
	t.Helper()
	l, err := f.svc.IntegrationLog(f.ctx, f.org, porter.IntegrationLogFilter{ListParams: porter.ListParams{Page: 1, PerPage: 100},
		IntegrationID: id, Entity: entity})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

func defect(id, summary string) string {
	return fmt.Sprintf(`{"entity": "defect", "id": %q, "data": {"summary": %q}}`, id, summary)
}

// A poll follows next_cursor through pages in every shape the receiver
// takes, applies each record once, logs each call with its status and
// duration, and keeps a watermark so the next poll asks only what is new.
func TestIntegrationPollPagesAndWatermark(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := pollFixture(t, s)
		src := newPollSource(t, func(w http.ResponseWriter, r *http.Request) {
			switch q := r.URL.Query(); {
			case q.Get("since") == "" && q.Get("cursor") == "":
				fmt.Fprintf(w, `{"data": [%s, %s], "next_cursor": "p2"}`, defect("D-1", "Cracked tile"), defect("D-2", "Loose rail"))
			case q.Get("cursor") == "p2":
				w.Header().Set("Content-Type", "application/x-ndjson")
				fmt.Fprintf(w, "%s\n", defect("D-3", "Scuffed door"))
				// NDJSON has no cursor: the cycle ends here.
			case q.Get("since") == "2025-05-09T14:30:00Z":
				fmt.Fprintf(w, `[%s]`, defect("D-2", "Loose handrail"))
			default:
				http.Error(w, "unexpected "+r.URL.RawQuery, http.StatusBadRequest)
			}
		})
		it := f.scheduled(t, src.srv.URL+"/defects?project=7", nil)
		res, err := f.svc.SyncIntegration(f.ctx, f.org, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !res.OK || !res.Complete || res.Pages != 2 || res.Received != 3 || res.Succeeded != 3 || res.Watermark != "2025-05-09T14:30:00Z" || res.Cursor != "" {
			t.Fatalf("first poll = %+v", res)
		}
		if res.Integration.FirstSyncCompletedAt == nil || res.Integration.Status != porter.IntegrationEnabled {
			t.Fatalf("integration after its first complete cycle = %+v", res.Integration)
		}
		if n := len(f.workOrders(t)); n != 3 {
			t.Fatalf("%d work orders, want 3", n)
		}
		calls := f.pollLog(t, it.ID, porter.PollEntity)
		if len(calls) != 2 || calls[0].Status != porter.LogSuccess || calls[0].HTTPStatus == nil || *calls[0].HTTPStatus != 200 ||
			calls[0].DurationMS == nil || !strings.Contains(calls[0].Raw, "cursor=p2") || !strings.Contains(calls[1].Raw, "project=7") {
			t.Fatalf("call rows = %+v", calls)
		}
		if recs := f.pollLog(t, it.ID, "defect"); len(recs) != 3 || recs[0].HTTPStatus != nil {
			t.Fatalf("record rows = %+v", recs)
		}
		// The next poll sends since=<watermark> and gets only the change:
		// D-2 again updates its work order, never duplicates it.
		res, err = f.svc.SyncIntegration(f.ctx, f.org, it.ID)
		if err != nil || !res.OK || res.Pages != 1 || res.Succeeded != 1 {
			t.Fatalf("second poll = %+v, %v", res, err)
		}
		wos := f.workOrders(t)
		titles := map[string]int{}
		for _, w := range wos {
			titles[w.Title]++
		}
		if len(wos) != 3 || titles["Loose handrail"] != 1 || titles["Loose rail"] != 0 {
			t.Fatalf("work orders after the second poll: %v", titles)
		}
		// The server's own watermark wins over Porter's clock.
		src.set(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"data": [], "next_cursor": null, "watermark": "evt_991"}`)
		})
		if res, err = f.svc.SyncIntegration(f.ctx, f.org, it.ID); err != nil || res.Watermark != "evt_991" || res.Received != 0 {
			t.Fatalf("empty page = %+v, %v", res, err)
		}
		src.set(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("since") != "evt_991" {
				http.Error(w, "no since", http.StatusBadRequest)
			}
		})
		if res, err = f.svc.SyncIntegration(f.ctx, f.org, it.ID); err != nil || !res.OK {
			t.Fatalf("since=evt_991 = %+v, %v", res, err)
		}
	})
}

// A cycle longer than MaxPollPages stops at the bound, keeps its cursor
// and resumes there: the first sync completes only once the last page is
// fetched. A cursor that repeats is an error, not a loop.
func TestIntegrationPollPageBound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := pollFixture(t, s)
		last := porter.MaxPollPages + 2
		src := newPollSource(t, func(w http.ResponseWriter, r *http.Request) {
			var n int
			fmt.Sscan(r.URL.Query().Get("cursor"), &n)
			next := fmt.Sprintf("%q", fmt.Sprint(n+1))
			if n+1 == last {
				next = "null"
			}
			fmt.Fprintf(w, `{"data": [%s], "next_cursor": %s}`, defect(fmt.Sprint("D-", n), "Snag"), next)
		})
		it := f.scheduled(t, src.srv.URL+"/snags", nil)
		res, err := f.svc.SyncIntegration(f.ctx, f.org, it.ID)
		if err != nil || !res.OK || res.Complete || res.Pages != porter.MaxPollPages || res.Cursor != fmt.Sprint(porter.MaxPollPages) {
			t.Fatalf("bounded poll = %+v, %v", res, err)
		}
		if res.Integration.FirstSyncCompletedAt != nil || !res.NextPollAt.Equal(f.svc.Now()) {
			t.Fatalf("a cut cycle: first sync %v, next poll %v", res.Integration.FirstSyncCompletedAt, res.NextPollAt)
		}
		// The scheduler finds it due at once and finishes the cycle.
		if n, failed, err := f.svc.PollDueIntegrations(f.ctx); err != nil || n != 1 || failed != 0 {
			t.Fatalf("due poll: %d ok, %d failed, %v", n, failed, err)
		}
		it2, _ := f.svc.Integration(f.ctx, f.org, it.ID)
		if it2.FirstSyncCompletedAt == nil || len(f.workOrders(t)) != last {
			t.Fatalf("after the rest of the cycle: %+v, %d work orders", it2, len(f.workOrders(t)))
		}
		src.set(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"data": [], "next_cursor": "same"}`)
		})
		if res, err = f.svc.SyncIntegration(f.ctx, f.org, it.ID); err != nil || res.OK || res.Pages != 2 || !strings.Contains(res.Error, "repeats") {
			t.Fatalf("repeating cursor = %+v, %v", res, err)
		}
	})
}

// Each credential type authenticates the poll: an API key as a bearer
// token or in the header it names, an OAuth token fetched once with the
// client credentials grant and reused until it expires, and a Standard
// Webhooks signature with the shared secret.
func TestIntegrationPollCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := pollFixture(t, s)
		src := newPollSource(t, nil)
		var revoked atomic.Bool
		src.set(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/oauth" && revoked.Swap(false) {
				http.Error(w, "token revoked", http.StatusUnauthorized)
				return
			}
			if r.URL.Path == "/token" {
				id, secret, _ := r.BasicAuth()
				if r.Method != "POST" || id != "porter" || secret != "s3cret" || r.FormValue("grant_type") != "client_credentials" {
					http.Error(w, `{"error": "invalid_client"}`, http.StatusUnauthorized)
					return
				}
				fmt.Fprint(w, `{"access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600}`)
				return
			}
			fmt.Fprint(w, `[]`)
		})
		cases := []struct {
			name  string
			creds *porter.IntegrationCredentialsInput
			check func(r *http.Request, secret string) bool
		}{
			{"api key", &porter.IntegrationCredentialsInput{Type: "api_key", APIKey: "k-1"},
				func(r *http.Request, _ string) bool { return r.Header.Get("Authorization") == "Bearer k-1" }},
			{"api key header", &porter.IntegrationCredentialsInput{Type: "api_key", APIKey: "k-2", APIKeyHeader: "X-Api-Key"},
				func(r *http.Request, _ string) bool {
					return r.Header.Get("X-Api-Key") == "k-2" && r.Header.Get("Authorization") == ""
				}},
			{"oauth", &porter.IntegrationCredentialsInput{Type: "oauth_client", ClientID: "porter", ClientSecret: "s3cret", TokenURL: src.srv.URL + "/token"},
				func(r *http.Request, _ string) bool { return r.Header.Get("Authorization") == "Bearer tok-1" }},
			{"shared secret", &porter.IntegrationCredentialsInput{Type: "shared_secret", Secret: "a-shared-secret-of-some-length"},
				func(r *http.Request, secret string) bool {
					m := hmac.New(sha256.New, []byte(secret))
					m.Write([]byte(r.Header.Get("webhook-id") + "." + r.Header.Get("webhook-timestamp") + "."))
					return r.Header.Get("webhook-signature") == "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil))
				}},
		}
		for _, c := range cases {
			path := "/" + strings.ReplaceAll(c.name, " ", "-")
			it := f.scheduled(t, src.srv.URL+path, c.creds)
			for range 2 {
				if res, err := f.svc.SyncIntegration(f.ctx, f.org, it.ID); err != nil || !res.OK {
					t.Fatalf("%s: %+v, %v", c.name, res, err)
				}
			}
			reqs := src.requests(path)
			if len(reqs) != 2 || !c.check(reqs[0], it.Secret) || !c.check(reqs[1], it.Secret) {
				t.Fatalf("%s: the poll was not authenticated: %v", c.name, reqs[0].Header)
			}
		}
		// Two polls, one token: cached until it expires, and logged.
		if n := len(src.requests("/token")); n != 1 {
			t.Fatalf("%d token requests, want 1", n)
		}
		// A 401 drops the cached token: the poll after it gets a new one.
		revoked.Store(true)
		l, err := f.svc.Integrations(f.ctx, f.org, porter.IntegrationFilter{Type: "handover"})
		if err != nil {
			t.Fatal(err)
		}
		var oauthID int64
		for _, it := range l.Items {
			if it.CredentialType == "oauth_client" {
				oauthID = it.ID
			}
		}
		if res, err := f.svc.SyncIntegration(f.ctx, f.org, oauthID); err != nil || res.OK || res.HTTPStatus != 401 {
			t.Fatalf("revoked token: %+v, %v", res, err)
		}
		if res, err := f.svc.SyncIntegration(f.ctx, f.org, oauthID); err != nil || !res.OK || len(src.requests("/token")) != 2 {
			t.Fatalf("after the 401: %+v, %v, %d token requests", res, err, len(src.requests("/token")))
		}
		// Credentials that the token endpoint refuses: the _token row is
		// an error, the poll never calls poll_url, the integration errs.
		bad := f.scheduled(t, src.srv.URL+"/never", &porter.IntegrationCredentialsInput{Type: "oauth_client", ClientID: "porter",
			ClientSecret: "wrong", TokenURL: src.srv.URL + "/token"})
		res, err := f.svc.SyncIntegration(f.ctx, f.org, bad.ID)
		if err != nil || res.OK || !strings.Contains(res.Error, "OAuth token") || res.Integration.Status != porter.IntegrationError {
			t.Fatalf("refused token = %+v, %v", res, err)
		}
		rows := f.pollLog(t, bad.ID, porter.TokenEntity)
		if len(rows) != 1 || rows[0].Status != porter.LogError || *rows[0].HTTPStatus != 401 || strings.Contains(rows[0].Raw, "wrong") {
			t.Fatalf("token rows = %+v", rows)
		}
		if len(src.requests("/never")) != 0 {
			t.Fatal("polled without a token")
		}
	})
}

// A failing endpoint is a logged error: the call's row names the answer,
// the integration turns to error (with integration.failed), the next poll
// waits longer each time, and the first successful poll closes the
// errors and turns it back to enabled. Nothing crashes.
func TestIntegrationPollFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := pollFixture(t, s)
		src := newPollSource(t, func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "upstream down", http.StatusServiceUnavailable)
		})
		it := f.scheduled(t, src.srv.URL+"/defects", nil)
		now := f.svc.Now()
		res, err := f.svc.SyncIntegration(f.ctx, f.org, it.ID)
		if err != nil || res.OK || res.HTTPStatus != 503 || res.Error != "the endpoint answered HTTP 503" ||
			res.Integration.Status != porter.IntegrationError || res.Integration.LastError != res.Error || !res.NextPollAt.Equal(now.Add(5*time.Minute)) {
			t.Fatalf("503 = %+v, %v", res, err)
		}
		rows := f.pollLog(t, it.ID, porter.PollEntity)
		if len(rows) != 1 || rows[0].Status != porter.LogError || *rows[0].HTTPStatus != 503 || !strings.Contains(rows[0].Raw, "upstream down") {
			t.Fatalf("row = %+v", rows)
		}
		evs, err := f.svc.Events(f.ctx, f.org, porter.EventFilter{ListParams: porter.ListParams{Page: 1, PerPage: 10}, Types: []string{"integration.failed"}})
		if err != nil || len(evs.Items) != 1 {
			t.Fatalf("integration.failed: %v %v", evs.Items, err)
		}
		// Bad JSON, then a body that is not records: backoff doubles.
		for i, body := range []string{`{"data": [`, `"hello"`} {
			src.set(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) })
			res, err = f.svc.SyncIntegration(f.ctx, f.org, it.ID)
			if err != nil || res.OK || !strings.Contains(res.Error, "not records") || !res.NextPollAt.Equal(now.Add(5*time.Minute<<(i+1))) {
				t.Fatalf("%s = %+v, %v", body, res, err)
			}
		}
		// An endpoint that never answers times out (here the caller's
		// deadline, shorter than the 20 s a call has): logged, not stuck.
		src.set(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		short, cancel := context.WithTimeout(f.ctx, 200*time.Millisecond)
		res, err = f.svc.SyncIntegration(short, f.org, it.ID)
		cancel()
		if err != nil || res.OK || !strings.Contains(res.Error, "timed out") || !res.NextPollAt.Equal(now.Add(40*time.Minute)) {
			t.Fatalf("timeout = %+v, %v", res, err)
		}
		// Not due before the backoff has passed.
		if n, failed, err := f.svc.PollDueIntegrations(f.ctx); err != nil || n+failed != 0 {
			t.Fatalf("polled during backoff: %d %d %v", n, failed, err)
		}
		// Retry Failed does not replay Porter's own calls.
		if rr, err := f.svc.RetryFailedIntegration(f.ctx, f.org, it.ID); err != nil || rr.Skipped != 4 || rr.Retried != 0 {
			t.Fatalf("retry failed = %+v, %v", rr, err)
		}
		src.set(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "[%s]", defect("D-1", "Tile")) })
		f.svc.Now = func() time.Time { return now.Add(41 * time.Minute) }
		if n, failed, err := f.svc.PollDueIntegrations(f.ctx); err != nil || n != 1 || failed != 0 {
			t.Fatalf("after backoff: %d ok, %d failed, %v", n, failed, err)
		}
		got, _ := f.svc.Integration(f.ctx, f.org, it.ID)
		if got.Status != porter.IntegrationEnabled || got.OpenErrors != 0 || got.FirstSyncCompletedAt == nil || len(f.workOrders(t)) != 1 {
			t.Fatalf("recovered = %+v", got)
		}
	})
}

// Two nodes polling at once poll an integration once: while one holds the
// claim, the other's pass and a Sync now leave it alone.
func TestIntegrationPollOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := pollFixture(t, s)
		arrived, release := make(chan struct{}), make(chan struct{})
		var once sync.Once
		src := newPollSource(t, func(w http.ResponseWriter, r *http.Request) {
			once.Do(func() { close(arrived) })
			<-release
			fmt.Fprintf(w, "[%s]", defect("D-1", "Tile"))
		})
		it := f.scheduled(t, src.srv.URL+"/defects", nil)
		other := porter.NewService(s, "http://porter.test", nil) // a second node
		other.Now, other.Secrets, other.CheckWebhookURL, other.ICalClient = f.svc.Now, f.svc.Secrets, f.svc.CheckWebhookURL, f.svc.ICalClient
		done := make(chan error, 1)
		go func() {
			_, _, err := f.svc.PollDueIntegrations(f.ctx)
			done <- err
		}()
		<-arrived
		if n, failed, err := other.PollDueIntegrations(f.ctx); err != nil || n+failed != 0 {
			t.Fatalf("the second node polled: %d %d %v", n, failed, err)
		}
		if _, err := other.SyncIntegration(f.ctx, f.org, it.ID); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("sync while a poll runs: %v", err)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := len(src.requests("/defects")); n != 1 || len(f.workOrders(t)) != 1 {
			t.Fatalf("%d polls, %d work orders", n, len(f.workOrders(t)))
		}
		// Done and not due again until its interval has passed.
		if n, _, err := other.PollDueIntegrations(f.ctx); err != nil || n != 0 {
			t.Fatalf("polled again at once: %d %v", n, err)
		}
		// Four nodes racing for a due poll: one wins the claim.
		later := f.svc.Now().Add(5 * time.Minute)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			node := porter.NewService(s, "http://porter.test", nil)
			node.Now, node.Secrets, node.ICalClient = func() time.Time { return later }, f.svc.Secrets, f.svc.ICalClient
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := node.PollDueIntegrations(f.ctx)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := len(src.requests("/defects")); n != 2 {
			t.Fatalf("%d polls after the race, want 2", n)
		}
	})
}

// Sync now and poll settings refuse what cannot be polled, writing nothing.
func TestIntegrationPollRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := pollFixture(t, s)
		if _, err := f.svc.SyncIntegration(f.ctx, f.org, f.it.ID); porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), "poll_url") {
			t.Fatalf("sync of a realtime integration: %v", err)
		}
		for _, in := range []porter.IntegrationInput{
			{Name: ptr("X"), Type: ptr("custom"), SyncMode: ptr("scheduled"), SyncIntervalSeconds: ptr(60)},
			{Name: ptr("X"), Type: ptr("custom"), SyncMode: ptr("scheduled"), SyncIntervalSeconds: ptr(60), PollURL: ptr("ftp://127.0.0.1/x")},
			{Name: ptr("X"), Type: ptr("custom"), Credentials: &porter.IntegrationCredentialsInput{Type: "api_key", APIKey: "k", APIKeyHeader: "Bad Header"}},
		} {
			if _, err := f.svc.CreateIntegration(f.ctx, f.org, in); porter.ErrorCode(err) != porter.EINVALID {
				t.Fatalf("%+v: %v", in, err)
			}
		}
		src := newPollSource(t, func(w http.ResponseWriter, r *http.Request) {})
		it := f.scheduled(t, src.srv.URL, nil)
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, it.ID, porter.IntegrationInput{Enabled: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SyncIntegration(f.ctx, f.org, it.ID); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("sync of a disabled integration: %v", err)
		}
		if n, _, err := f.svc.PollDueIntegrations(f.ctx); err != nil || n != 0 || len(src.requests("/")) != 0 {
			t.Fatalf("a disabled integration was polled: %d %v", n, err)
		}
	})
}

// BenchmarkIntegrationPoll polls a full cycle of MaxPollPages pages of
// 1,000 meter readings each from a loopback endpoint: the batched
// readings path behind the poll's fetch and parse.
func BenchmarkIntegrationPoll(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			f := pollFixture(b, storetest.Open(b, engine))
			if _, err := f.svc.CreateMeter(f.ctx, f.org, porter.MeterInput{PropertyID: &f.prop.ID, Name: ptr("Main"),
				Kind: ptr("electricity"), UnitOfMeasure: ptr("kWh"), ExternalRef: ptr("EM-1")}); err != nil {
				b.Fatal(err)
			}
			var cycle int
			src := newPollSource(b, func(w http.ResponseWriter, r *http.Request) {
				var page int
				fmt.Sscan(r.URL.Query().Get("cursor"), &page)
				var sb strings.Builder
				sb.WriteString(`{"data": [`)
				for i := range 1000 {
					if i > 0 {
						sb.WriteString(",")
					}
					fmt.Fprintf(&sb, `{"entity": "reading", "id": "R-%d-%d-%d", "data": {"device": "EM-1", "kwh": %d, "at": "2025-05-01T10:00:00Z"}}`, cycle, page, i, i)
				}
				next := "null"
				if page+1 < porter.MaxPollPages {
					next = fmt.Sprintf(`"%d"`, page+1)
				}
				fmt.Fprintf(&sb, `], "next_cursor": %s}`, next)
				fmt.Fprint(w, sb.String())
			})
			it := f.scheduled(b, src.srv.URL+"/readings", nil)
			m := it.Mapping
			m.Entities["reading"] = &porter.IntegrationEntityMapping{Target: "meter_reading",
				Fields: map[string]string{"meter": "device", "value": "kwh", "read_at": "at"}}
			if _, err := f.svc.UpdateIntegration(f.ctx, f.org, it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
				b.Fatal(err)
			}
			n := 0
			b.ResetTimer()
			for b.Loop() {
				cycle++
				res, err := f.svc.SyncIntegration(f.ctx, f.org, it.ID)
				if err != nil || !res.OK || !res.Complete || res.Succeeded != 1000*porter.MaxPollPages {
					b.Fatalf("%+v %v", res, err)
				}
				n += res.Succeeded
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "readings/s")
		})
	}
}
