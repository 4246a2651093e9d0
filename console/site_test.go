package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"porter"
	"porter/console"
	porterhttp "porter/http"
)

const password = "correct horse battery staple"

// site is Porter's real handler (console and API) on a loopback server,
// with two organizations and their users.
type site struct {
	URL      string
	svc      *porter.Service
	org      int64 // Acme: admin@acme.test, viewer@acme.test
	otherOrg int64 // Other: admin@other.test

	mu  sync.Mutex
	now time.Time
}

func (s *site) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

func (s *site) advance(d time.Duration) {
	s.mu.Lock()
	s.now = s.now.Add(d)
	s.mu.Unlock()
}

func newSite(t *testing.T, st porter.Store) *site {
	t.Helper()
	ctx := context.Background()
	s := &site{now: time.Date(2026, 5, 9, 14, 30, 0, 0, time.UTC)}
	svc := porter.NewService(st, "", nil)
	svc.Now = s.clock
	s.svc = svc
	files := t.TempDir() // documents, shared by the console and the API as in 'porter serve'
	handler := console.New(svc, console.Config{UploadDir: files}, nil).Mount(porterhttp.NewServer(svc, porterhttp.Config{UploadDir: files}, nil))
	srv := httptest.NewServer(handler) // 127.0.0.1
	t.Cleanup(srv.Close)
	s.URL, svc.BaseURL = srv.URL, srv.URL
	for _, o := range []struct {
		id    *int64
		name  string
		users map[string]string
	}{
		{&s.org, "Acme", map[string]string{"admin@acme.test": porter.RoleAdmin, "viewer@acme.test": porter.RoleViewer}},
		{&s.otherOrg, "Other", map[string]string{"admin@other.test": porter.RoleAdmin}},
	} {
		org, err := svc.CreateOrganization(ctx, o.name)
		if err != nil {
			t.Fatal(err)
		}
		*o.id = org.ID
		for email, role := range o.users {
			if _, err := svc.CreateUser(ctx, org.ID, porter.UserInput{Email: email, Role: role, Password: password}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

// tab opens a new tab in the shared browser, with no cookies. Tests run
// one at a time, so clearing the browser's cookies isolates them. (A new
// browser context per test would be cleaner, but headless Chromium opens
// no tab in one: "no browser is open".)
func tab(t *testing.T) context.Context {
	t.Helper()
	if browser == nil {
		t.Skip(browserMissing)
	}
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelT)
	run(t, ctx, network.ClearBrowserCookies())
	return ctx
}

func run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// signIn fills the sign-in form and returns the h1 of the page it lands on.
func (s *site) signIn(t *testing.T, ctx context.Context, email, pw string) string {
	t.Helper()
	var h1 string
	run(t, ctx,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible("#email", chromedp.ByQuery),
		chromedp.SendKeys("#email", email, chromedp.ByQuery),
		chromedp.SendKeys("#password", pw, chromedp.ByQuery),
		loads(chromedp.Submit("#password", chromedp.ByQuery)),
		chromedp.Text("h1", &h1, chromedp.ByQuery),
	)
	return h1
}

// loads runs an action that makes the page load another document (a form
// post, a click on a link) and waits until that document has loaded.
func loads(a chromedp.Action) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		loaded := make(chan struct{}, 1)
		lctx, cancel := context.WithCancel(ctx)
		defer cancel()
		chromedp.ListenTarget(lctx, func(ev any) {
			if _, ok := ev.(*page.EventLoadEventFired); ok {
				select {
				case loaded <- struct{}{}:
				default:
				}
			}
		})
		if err := a.Do(ctx); err != nil {
			return err
		}
		select {
		case <-loaded:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, chromedp.Text(sel, &s, chromedp.ByQuery))
	return strings.TrimSpace(s)
}

// sessionCookie is the browser's session cookie, for plain HTTP requests.
func sessionCookie(t *testing.T, ctx context.Context) *http.Cookie {
	t.Helper()
	var cookies []*network.Cookie
	run(t, ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		cookies, err = network.GetCookies().Do(ctx)
		return err
	}))
	for _, c := range cookies {
		if c.Name == "porter_session" {
			if !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax {
				t.Fatalf("session cookie: httpOnly=%v sameSite=%v", c.HTTPOnly, c.SameSite)
			}
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// get fetches a page with a cookie, without following redirects.
func get(t *testing.T, rawURL string, ck *http.Cookie) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", rawURL, nil)
	if ck != nil {
		req.AddCookie(ck)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
