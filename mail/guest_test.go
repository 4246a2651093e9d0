package mail_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"porter"
	"porter/mail"
	"porter/storetest"
	"porter/webhook"
)

// guestReceiver is a loopback HTTP endpoint standing for a WhatsApp
// gateway: it answers each message id with the next status of its script
// (200 once the script is used up).
type guestReceiver struct {
	mu     sync.Mutex
	script map[int64][]int
	got    []map[string]any
	auth   []string
	keys   []string
}

func (g *guestReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p map[string]any
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.got, g.auth, g.keys = append(g.got, p), append(g.auth, r.Header.Get("Authorization")), append(g.keys, r.Header.Get("Idempotency-Key"))
	id := int64(p["id"].(float64))
	status := 200
	if s := g.script[id]; len(s) > 0 {
		status, g.script[id] = s[0], s[1:]
	}
	w.WriteHeader(status)
	fmt.Fprint(w, `{"ok":false,"error":"gateway down"}`)
}

func guestFixture(t *testing.T, s porter.Store) (svc *porter.Service, org int64, prepare func(body string) *porter.Message, now *time.Time) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2025, 5, 9, 12, 0, 0, 0, time.UTC)
	now = &at
	svc = porter.NewService(s, "", nil)
	svc.Now = func() time.Time { return *now }
	o, err := svc.CreateOrganization(ctx, "Riads")
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.CreateProperty(ctx, o.ID, porter.PropertyInput{Name: ptr("Riad Yasmine")})
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUnit(ctx, o.ID, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Suite")})
	if err != nil {
		t.Fatal(err)
	}
	rate := porter.Money(8000)
	b, err := svc.CreateBooking(ctx, o.ID, porter.BookingInput{UnitID: &u.ID, GuestName: ptr("Karim B."), GuestPhone: ptr("+212600000001"),
		CheckIn: ptr("2025-08-01"), CheckOut: ptr("2025-08-03"), NightlyRate: &rate, Currency: ptr("MAD")})
	if err != nil {
		t.Fatal(err)
	}
	return svc, o.ID, func(body string) *porter.Message {
		t.Helper()
		m, err := svc.PrepareGuestMessage(ctx, o.ID, porter.GuestMessageInput{BookingID: &b.ID, Body: &body})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}, now
}

func TestGuestRelay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org, prepare, now := guestFixture(t, s)
		ok := prepare("Welcome {{guest_name}}")
		bad := prepare("Your code is 4711")

		// No sender configured: nothing sends them, they stay queued.
		if l, _ := svc.GuestMessages(ctx, org, porter.GuestMessageFilter{Status: porter.MessageQueued}); l.Total != 2 {
			t.Fatalf("queued = %d", l.Total)
		}

		rcv := &guestReceiver{script: map[int64][]int{bad.ID: {500, 503, 500}}}
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		sender, err := mail.NewHTTPSender(srv.URL+"/send", "tok3n", &webhook.Guard{AllowPrivate: true}, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		relay := mail.NewGuestRelay(svc, sender, nil)
		relay.MaxAttempts, relay.Now = 3, func() time.Time { return *now }
		for i := range 3 {
			if _, err := relay.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			*now = now.Add(time.Duration(i+1) * time.Hour) // past the backoff
		}
		if n, _ := relay.Tick(ctx); n != 0 {
			t.Fatalf("claimed %d after the last attempt", n)
		}
		got, _ := svc.GuestMessage(ctx, org, ok.ID)
		if got.Status != porter.MessageSent || got.SentAt == nil || got.Attempts != 1 {
			t.Fatalf("sent message = %+v", got)
		}
		failed, _ := svc.GuestMessage(ctx, org, bad.ID)
		if failed.Status != porter.MessageFailed || failed.Attempts != 3 || failed.Error == "" {
			t.Fatalf("failed message = %+v", failed)
		}
		rcv.mu.Lock()
		if len(rcv.got) != 4 || rcv.got[0]["body"] != "Welcome Karim B." || rcv.got[0]["to"] != "+212600000001" ||
			rcv.auth[0] != "Bearer tok3n" || rcv.keys[1] != rcv.keys[3] {
			t.Fatalf("receiver got %v %v %v", rcv.got, rcv.auth, rcv.keys)
		}
		rcv.mu.Unlock()
		ev, err := svc.Events(ctx, org, porter.EventFilter{Types: []string{"whatsapp.message_failed"}})
		if err != nil || ev.Total != 1 || ev.Items[0].ResourceID != bad.ID {
			t.Fatalf("events: %v %+v", err, ev)
		}
		var data struct {
			Message porter.Message `json:"message"`
		}
		if err := json.Unmarshal(ev.Items[0].Data, &data); err != nil || data.Message.Status != "failed" || data.Message.Attempts != 3 {
			t.Fatalf("event data %s", ev.Items[0].Data)
		}

		// A 4xx refuses the message itself: failed at once.
		refused := prepare("Hi")
		rcv.mu.Lock()
		rcv.script[refused.ID] = []int{422}
		rcv.mu.Unlock()
		if _, err := relay.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if m, _ := svc.GuestMessage(ctx, org, refused.ID); m.Status != porter.MessageFailed || m.Attempts != 1 {
			t.Fatalf("refused = %+v", m)
		}

		// The guard's own rule: without PORTER_ALLOW_PRIVATE_WEBHOOKS the
		// loopback gateway is refused before connecting; the message waits.
		guarded, _ := mail.NewHTTPSender(srv.URL, "", &webhook.Guard{}, time.Second)
		blocked := prepare("Blocked")
		if err := guarded.SendGuestMessage(ctx, blocked); !webhook.IsTargetError(err) {
			t.Fatalf("guard: %v", err)
		}
	})
}

// Two nodes ticking at once never send one message twice.
func TestGuestRelayClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, _, prepare, now := guestFixture(t, s)
		for i := range 20 {
			prepare(fmt.Sprint("message ", i))
		}
		rcv := &guestReceiver{script: map[int64][]int{}}
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		sender, _ := mail.NewHTTPSender(srv.URL, "", &webhook.Guard{AllowPrivate: true}, 5*time.Second)
		var wg sync.WaitGroup
		for range 2 {
			relay := mail.NewGuestRelay(svc, sender, nil)
			relay.Batch, relay.Now = 5, func() time.Time { return *now }
			wg.Go(func() {
				for {
					if n, err := relay.Tick(ctx); err != nil || n == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		seen := map[float64]int{}
		for _, p := range rcv.got {
			seen[p["id"].(float64)]++
		}
		if len(seen) != 20 || len(rcv.got) != 20 {
			t.Fatalf("sent %d messages, %d distinct", len(rcv.got), len(seen))
		}
	})
}

func TestHTTPSenderURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "https://", "::"} {
		if _, err := mail.NewHTTPSender(u, "", &webhook.Guard{}, time.Second); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}
