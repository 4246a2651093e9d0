package main

import (
	"flag"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var updateREADME = flag.Bool("update", false, "rewrite the README's configuration table from the settings list")

const (
	settingsStart = "<!-- settings: generated from cmd/porter/config.go by go test ./cmd/porter -run TestREADMEConfiguration -update -->\n"
	settingsEnd   = "<!-- /settings -->"
)

// The README's configuration table is the settings list, row for row: a
// new setting fails here until the README shows it (run with -update).
func TestREADMEConfiguration(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	a := strings.Index(readme, settingsStart)
	b := strings.Index(readme, settingsEnd)
	if a < 0 || b < a {
		t.Fatalf("README lacks the settings markers %q … %q", settingsStart, settingsEnd)
	}
	got, want := readme[a+len(settingsStart):b], markdownTable()
	if got == want {
		return
	}
	if *updateREADME {
		if err := os.WriteFile("../../README.md", []byte(readme[:a+len(settingsStart)]+want+readme[b:]), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("README configuration table rewritten")
		return
	}
	t.Errorf("README configuration table differs from the settings list; run go test ./cmd/porter -run TestREADMEConfiguration -update, or paste:\n%s", want)
}

// Every setting is in `porter --help` with its default, and each one with
// a flag is in `porter serve --help` (or migrate's, for PORTER_DB).
func TestHelpListsEverySetting(t *testing.T) {
	top, _, code := runPorter(t, nil, "--help")
	if code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	serveHelp, _, _ := runPorter(t, nil, "serve", "--help")
	migrateHelp, _, _ := runPorter(t, nil, "migrate", "--help")
	for _, s := range settings {
		line := regexp.MustCompile(`(?m)^  ` + s.Env + ` +.*\(default ` + regexp.QuoteMeta(s.shown()) + `\)$`)
		if !line.MatchString(top) {
			t.Errorf("porter --help lacks %s with its default %s", s.Env, s.shown())
		}
		help := serveHelp
		if !s.Serve {
			help = migrateHelp
		}
		if !strings.Contains(help, s.Env) {
			t.Errorf("%s --help lacks %s", map[bool]string{true: "serve", false: "migrate"}[s.Serve], s.Env)
		}
		if s.Flag != "" && !strings.Contains(help, "-"+s.Flag+" ") && !strings.Contains(help, "-"+s.Flag+"\n") {
			t.Errorf("help lacks --%s", s.Flag)
		}
	}
}

// Each setting reads its variable, its flag wins over the variable, and
// without either it has its documented default.
func TestSettingsFromEnvironmentAndFlags(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range settings {
		if seen[s.Env] || (s.Flag != "" && seen[s.Flag]) {
			t.Fatalf("%s or --%s is listed twice", s.Env, s.Flag)
		}
		seen[s.Env], seen[s.Flag] = true, true
		t.Run(s.Env, func(t *testing.T) {
			parse := func(env map[string]string, args ...string) (config, error) {
				var c config
				fs := newFlags("serve", "serve", func(k string) string { return env[k] }, &c)
				c.serverFlags(fs, func(k string) string { return env[k] })
				if err := fs.Parse(args); err != nil {
					return c, err
				}
				return c, c.envErr
			}
			value := func(c config) string {
				switch p := s.field(&c).(type) {
				case *string:
					return *p
				case *bool:
					return strconv.FormatBool(*p)
				case *int:
					return strconv.Itoa(*p)
				}
				t.Fatalf("field of type %T", s.field(&c))
				return ""
			}
			c, err := parse(nil)
			if err != nil || value(c) != s.Def {
				t.Fatalf("default = %q (%v), want %q", value(c), err, s.Def)
			}
			envVal, flagVal := "env-value", "flag-value"
			switch s.field(&c).(type) {
			case *bool:
				envVal, flagVal = strconv.FormatBool(s.Def != "true"), strconv.FormatBool(s.Def == "true")
			case *int:
				envVal, flagVal = "7", "9"
			}
			if c, err = parse(map[string]string{s.Env: envVal}); err != nil || value(c) != envVal {
				t.Fatalf("from %s=%s: %q (%v)", s.Env, envVal, value(c), err)
			}
			if s.Flag == "" {
				return
			}
			if c, err = parse(map[string]string{s.Env: envVal}, "--"+s.Flag+"="+flagVal); err != nil || value(c) != flagVal {
				t.Fatalf("--%s=%s over %s=%s: %q (%v)", s.Flag, flagVal, s.Env, envVal, value(c), err)
			}
		})
	}
}

// A flag defined beside the settings list would be missing from --help's
// environment list and the README: every flag of every command is a
// setting, or one of the command's own arguments listed here.
func TestEveryFlagIsASetting(t *testing.T) {
	own := map[string]bool{"demo": true, "name": true, "org": true, "scope": true, "expires": true, "rate-limit": true, "json": true}
	flags := map[string]bool{}
	for _, s := range settings {
		flags[s.Flag] = true
	}
	help, _, _ := runPorter(t, nil, "serve", "--help")
	for _, m := range regexp.MustCompile(`(?m)^  -([\w-]+)`).FindAllStringSubmatch(help, -1) {
		if !flags[m[1]] && !own[m[1]] {
			t.Errorf("serve --help shows --%s, which is not in the settings list", m[1])
		}
	}
}
