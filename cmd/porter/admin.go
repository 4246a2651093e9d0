package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"porter"
)

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("migrate", "migrate [--db DSN]", getenv, &c)
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("migrate: unexpected argument %q", fs.Arg(0))
	}
	st, err := openStore(ctx, c.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}

// adminService opens the store for a one-shot command.
func adminService(ctx context.Context, c config) (*porter.Service, func(), error) {
	st, err := openStore(ctx, c.DB)
	if err != nil {
		return nil, nil, err
	}
	return porter.NewService(st, "", slog.New(slog.DiscardHandler)), func() { st.Close() }, nil
}

func orgCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(stdout, "Usage: porter org create --name NAME")
			return nil
		}
		return usagef("org: want 'porter org create --name NAME'")
	}
	var c config
	fs := newFlags("org create", "org create --name NAME", getenv, &c)
	name := fs.String("name", "", "the organization's name (required)")
	if err := parse(fs, args[1:], stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("org create: unexpected argument %q", fs.Arg(0))
	}
	if strings.TrimSpace(*name) == "" {
		return usagef("org create: --name is required")
	}
	svc, done, err := adminService(ctx, c)
	if err != nil {
		return err
	}
	defer done()
	org, err := svc.CreateOrganization(ctx, strings.TrimSpace(*name))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created organization %q\n%d\n", org.Name, org.ID)
	return nil
}

// scopeList collects repeated --scope flags (a comma list also works).
type scopeList []string

func (s *scopeList) String() string { return strings.Join(*s, ",") }
func (s *scopeList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}

// parseDuration reads Go durations plus days: 30d, 720h, 90m.
func parseDuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("duration %q: want e.g. 30d or 720h", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("duration %q: want e.g. 30d or 720h", s)
	}
	return v, nil
}

func keyCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const keyUsage = "key create --org ID --name NAME [--scope S]... [--expires DURATION] [--rate-limit N/m]\n       porter key list --org ID [--json]\n       porter key revoke --org ID KEY_ID"
	if len(args) == 0 {
		return usagef("key: want create, list or revoke (run 'porter key --help')")
	}
	var c config
	sub := args[0]
	if sub == "--help" || sub == "-h" {
		fmt.Fprintln(stdout, "Usage: porter "+keyUsage)
		fmt.Fprintln(stdout, "\nScopes:")
		for _, s := range porter.Scopes {
			fmt.Fprintf(stdout, "  %-20s %s\n", s.Name, s.Description)
		}
		return nil
	}
	fs := newFlags("key "+sub, keyUsage, getenv, &c)
	org := fs.Int64("org", 0, "organization id (required)")
	switch sub {
	case "create":
		name := fs.String("name", "", "a name to tell the key apart, e.g. Zapier (required)")
		var scopes scopeList
		fs.Var(&scopes, "scope", "an ability such as tenants:read; repeat for more; none means full access")
		expires := fs.String("expires", "", "lifetime, e.g. 30d or 720h; none means it never expires")
		rate := fs.String("rate-limit", "", "requests per minute for this key, e.g. 120/m (default PORTER_RATE_LIMIT)")
		if err := parse(fs, args[1:], stdout); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return usagef("key create: unexpected argument %q", fs.Arg(0))
		}
		if *org <= 0 || strings.TrimSpace(*name) == "" {
			return usagef("key create: --org and --name are required")
		}
		in := porter.APIKeyInput{Name: strings.TrimSpace(*name), Scopes: scopes}
		for _, s := range scopes {
			if s != porter.ScopeAll && !porter.ValidScope(s) {
				return usagef("key create: unknown scope %q (run 'porter key --help' for the list)", s)
			}
		}
		if *expires != "" {
			d, err := parseDuration(*expires)
			if err != nil {
				return usagef("key create: --expires: %v", err)
			}
			t := time.Now().UTC().Add(d).Truncate(time.Second)
			in.ExpiresAt = &t
		}
		if *rate != "" {
			n, err := porter.ParseRateLimit(*rate)
			if err != nil {
				return usagef("key create: --rate-limit: %v", err)
			}
			in.RateLimit = n
		}
		svc, done, err := adminService(ctx, c)
		if err != nil {
			return err
		}
		defer done()
		text, k, err := svc.CreateAPIKey(ctx, *org, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created API key %d %q for organization %d; it is shown once, now:\n%s\n", k.ID, k.Name, *org, text)
		return nil
	case "list":
		asJSON := fs.Bool("json", false, "print JSON")
		if err := parse(fs, args[1:], stdout); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return usagef("key list: unexpected argument %q", fs.Arg(0))
		}
		if *org <= 0 {
			return usagef("key list: --org is required")
		}
		svc, done, err := adminService(ctx, c)
		if err != nil {
			return err
		}
		defer done()
		keys, err := svc.APIKeys(ctx, *org)
		if err != nil {
			return err
		}
		if *asJSON {
			if keys == nil {
				keys = []*porter.APIKey{}
			}
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(keys)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tSCOPES\tCREATED\tLAST USED\tEXPIRES\tREVOKED")
		for _, k := range keys {
			scopes := strings.Join(k.Scopes, ",")
			if scopes == "" {
				scopes = "*"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Prefix, scopes, stamp(&k.CreatedAt), stamp(k.LastUsedAt), stamp(k.ExpiresAt), stamp(k.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		if err := parse(fs, args[1:], stdout); err != nil {
			return err
		}
		if *org <= 0 || fs.NArg() != 1 {
			return usagef("key revoke: want --org ID KEY_ID")
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil || id <= 0 {
			return usagef("key revoke: KEY_ID %q is not a key id", fs.Arg(0))
		}
		svc, done, err := adminService(ctx, c)
		if err != nil {
			return err
		}
		defer done()
		if err := svc.RevokeAPIKey(ctx, *org, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked API key %d\n", id)
		return nil
	}
	return usagef("key: unknown subcommand %q (want create, list or revoke)", sub)
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(porter.TimeLayout)
}
