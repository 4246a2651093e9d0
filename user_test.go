package porter_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

func TestPasswordHash(t *testing.T) {
	h := porter.HashPassword("correct horse battery")
	if h == porter.HashPassword("correct horse battery") {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, tc := range []struct {
		hash, password string
		want           bool
	}{
		{h, "correct horse battery", true},
		{h, "correct horse batterY", false},
		{h, "", false},
		{"", "correct horse battery", false},
		{"$argon2id$v=19$m=65536,t=3,p=2$$", "x", false},
		{"$bcrypt$whatever", "x", false},
	} {
		if got := porter.CheckPassword(tc.hash, tc.password); got != tc.want {
			t.Errorf("CheckPassword(%q, %q) = %v, want %v", tc.hash, tc.password, got, tc.want)
		}
	}
}

// A session lives while it is used within SessionIdle, and never past
// SessionMax; sign-out ends it at once.
func TestSessionExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		now := svc.Now()
		svc.Now = func() time.Time { return now }
		u, err := svc.CreateUser(ctx, org, porter.UserInput{Email: " Ann@Example.com", Role: porter.RoleManager, Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "ann@example.com" {
			t.Fatalf("email = %q", u.Email)
		}
		if _, err := svc.CreateUser(ctx, org, porter.UserInput{Email: "ann@example.com", Password: "a long enough password"}); !isCode(err, porter.ECONFLICT) {
			t.Fatalf("duplicate email: %v", err)
		}
		for _, in := range []porter.UserInput{
			{Email: "not-an-email", Password: "a long enough password"},
			{Email: "bob@example.com", Password: "short"},
			{Email: "bob@example.com", Password: "a long enough password", Role: "owner"},
			{Email: "bob@example.com", Password: "a long enough password", StaffID: ptr(int64(999))},
		} {
			if _, err := svc.CreateUser(ctx, org, in); err == nil {
				t.Fatalf("CreateUser(%+v) succeeded", in)
			}
		}
		if _, err := svc.Authenticate(ctx, "ann@example.com", "wrong password"); !isCode(err, porter.EUNAUTHORIZED) {
			t.Fatalf("wrong password: %v", err)
		}
		got, err := svc.Authenticate(ctx, "ANN@example.com", "a long enough password")
		if err != nil || got.ID != u.ID {
			t.Fatalf("authenticate: %v %v", got, err)
		}

		token, err := svc.StartSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		// Used every 11 hours, it lives on until the absolute limit.
		start := now
		for now.Add(11 * time.Hour).Before(start.Add(porter.SessionMax)) {
			now = now.Add(11 * time.Hour)
			if _, err := svc.SessionUser(ctx, token); err != nil {
				t.Fatalf("at +%v: %v", now.Sub(start), err)
			}
		}
		now = start.Add(porter.SessionMax)
		if _, err := svc.SessionUser(ctx, token); !isCode(err, porter.EUNAUTHORIZED) {
			t.Fatalf("past SessionMax: %v", err)
		}

		// Idle too long.
		token, _ = svc.StartSession(ctx, u)
		now = now.Add(porter.SessionIdle - time.Second)
		if _, err := svc.SessionUser(ctx, token); err != nil {
			t.Fatalf("just inside idle: %v", err)
		}
		now = now.Add(porter.SessionIdle)
		if _, err := svc.SessionUser(ctx, token); !isCode(err, porter.EUNAUTHORIZED) {
			t.Fatalf("idle: %v", err)
		}

		token, _ = svc.StartSession(ctx, u)
		if err := svc.EndSession(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SessionUser(ctx, token); !isCode(err, porter.EUNAUTHORIZED) {
			t.Fatalf("after sign-out: %v", err)
		}
	})
}

func isCode(err error, code string) bool {
	var e *porter.Error
	return errors.As(err, &e) && e.Code == code
}
