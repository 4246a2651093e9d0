package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"porter"
	porterhttp "porter/http"
)

const sessionCookie = "porter_session"

// need is the least role a handler requires.
type need int

const (
	needRead  need = iota // any signed-in user
	needWrite             // manager or admin
	needAdmin             // admin
)

// signedIn wraps a page: no session sends the browser to sign in; a role
// below what the page needs is a 403 page, refused here on the server.
func (c *Console) signedIn(n need, fn func(w http.ResponseWriter, r *http.Request, u *porter.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var token string
		if ck, err := r.Cookie(sessionCookie); err == nil {
			token = ck.Value
		}
		u, err := c.svc.SessionUser(r.Context(), token)
		if err != nil {
			var e *porter.Error
			if !errors.As(err, &e) || e.Code != porter.EUNAUTHORIZED {
				c.fail(w, r, nil, err)
				return
			}
			if token != "" {
				c.clearCookie(w)
			}
			if r.Method != http.MethodGet {
				c.render(w, http.StatusUnauthorized, "error", view{Title: "Signed out", Data: "Your session has ended. Sign in again."})
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if (n == needWrite && !u.CanWrite()) || (n == needAdmin && !u.CanAdmin()) {
			c.render(w, http.StatusForbidden, "error", view{Title: "Forbidden", User: u,
				Data: "Your role (" + u.Role + ") does not allow this. Ask an admin of your organization."})
			return
		}
		// The audit log's actor for every write this page makes.
		r = r.WithContext(porter.WithActor(r.Context(), porter.Actor{Type: porter.ActorUser, ID: u.ID, Label: u.Email, IP: porterhttp.ClientIP(r, c.cfg.TrustForwardedFor), UserAgent: r.UserAgent(), RequestID: porterhttp.RequestID(r)}))
		fn(w, r, u)
	}
}

func (c *Console) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
}

type loginData struct {
	Error, Email, Next string
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, http.StatusOK, "login", view{Title: "Sign in", Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

// signInError is the one message for an unknown email and a wrong password.
const signInError = "Email or password is incorrect."

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		c.render(w, http.StatusBadRequest, "login", view{Title: "Sign in", Data: loginData{Error: "The form could not be read."}})
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	d := loginData{Email: email, Next: safeNext(r.PostForm.Get("next"))}
	addr := c.clientAddr(r)
	if wait := c.signIns.blocked(email, addr); wait > 0 {
		w.Header().Set("Retry-After", itoa(int(wait.Seconds())+1))
		d.Error = "Too many failed sign-ins. Try again in " + wait.Round(time.Minute).String() + "."
		if wait < time.Minute {
			d.Error = "Too many failed sign-ins. Try again in a minute."
		}
		c.render(w, http.StatusTooManyRequests, "login", view{Title: "Sign in", Data: d})
		return
	}
	u, err := c.svc.Authenticate(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		var e *porter.Error
		if !errors.As(err, &e) || e.Code != porter.EUNAUTHORIZED {
			c.fail(w, r, nil, err)
			return
		}
		c.signIns.failed(email, addr)
		if c.signIns.blocked(email, addr) > 0 { // this failure tripped the limit: audit.critical_event
			if err := c.svc.SignInBurst(r.Context(), email, porterhttp.ClientIP(r, c.cfg.TrustForwardedFor), perAccountLimit, signInWindow); err != nil {
				c.logger.Warn("audit sign-in burst", "err", err)
			}
		}
		d.Error = signInError
		c.render(w, http.StatusUnauthorized, "login", view{Title: "Sign in", Data: d})
		return
	}
	token, err := c.svc.StartSession(r.Context(), u)
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: c.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(porter.SessionMax.Seconds())})
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := c.svc.EndSession(r.Context(), ck.Value); err != nil {
			c.fail(w, r, nil, err)
			return
		}
	}
	c.clearCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-sign-in redirect on this site: a path, never
// another host (//evil.example or a scheme).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// clientAddr is who r comes from, as the API's failed-authentication
// limit counts it (the proxy's last X-Forwarded-For entry when trusted,
// never one a client wrote; an IPv6 client by its /64).
func (c *Console) clientAddr(r *http.Request) string {
	return porterhttp.ClientAddr(r, c.cfg.TrustForwardedFor).String()
}

// Sign-in failures allowed in a window, per account and per client address.
const (
	signInWindow     = 15 * time.Minute
	perAccountLimit  = 5
	perAddressLimit  = 20
	signInLimiterCap = 100000 // entries kept before the oldest windows are dropped
)

// signInLimiter counts failed sign-ins in fixed windows, in memory: an
// attacker guessing one account's password, or many accounts from one
// address, is slowed to a handful of guesses per window.
type signInLimiter struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]failWindow
}

type failWindow struct {
	start time.Time
	n     int
}

func newSignInLimiter(now func() time.Time) *signInLimiter {
	return &signInLimiter{now: now, m: map[string]failWindow{}}
}

// blocked says how long until account or addr may try again; 0: now.
func (l *signInLimiter) blocked(account, addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for key, limit := range map[string]int{"a:" + account: perAccountLimit, "ip:" + addr: perAddressLimit} {
		w, ok := l.m[key]
		if !ok || now.Sub(w.start) >= signInWindow {
			continue
		}
		if w.n >= limit {
			wait = max(wait, w.start.Add(signInWindow).Sub(now))
		}
	}
	return wait
}

func (l *signInLimiter) failed(account, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.m) >= signInLimiterCap {
		for k, w := range l.m {
			if now.Sub(w.start) >= signInWindow {
				delete(l.m, k)
			}
		}
	}
	for _, key := range []string{"a:" + account, "ip:" + addr} {
		w := l.m[key]
		if now.Sub(w.start) >= signInWindow {
			w = failWindow{start: now}
		}
		w.n++
		l.m[key] = w
	}
}
