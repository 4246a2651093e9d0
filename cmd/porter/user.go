package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"porter"
)

// stdin is where --password-stdin reads; tests replace it.
var stdin io.Reader = os.Stdin

func userCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const userUsage = "user create --org ID --email EMAIL [--role admin|manager|viewer] [--staff ID] [--password-stdin]\n" +
		"       porter user list --org ID\n" +
		"       porter user set-role --org ID --id USER --role admin|manager|viewer\n" +
		"       porter user deactivate|reactivate --org ID --id USER"
	if len(args) == 0 {
		return usagef("user: want 'porter %s'", userUsage)
	}
	if args[0] == "--help" || args[0] == "-h" {
		fmt.Fprintln(stdout, "Usage: porter "+userUsage)
		fmt.Fprintln(stdout, "\nRoles: admin (everything, settings included), manager (portfolio and operations; no keys, webhooks or users), viewer (read only).")
		return nil
	}
	switch args[0] {
	case "list", "set-role", "deactivate", "reactivate":
		return userChange(ctx, args[0], args[1:], getenv, stdout, userUsage)
	case "create":
	default:
		return usagef("user: unknown subcommand %q (want create, list, set-role, deactivate or reactivate)", args[0])
	}
	var c config
	fs := newFlags("user create", userUsage, getenv, &c)
	org := fs.Int64("org", 0, "organization id (required)")
	email := fs.String("email", "", "the person's email, their sign-in name (required)")
	role := fs.String("role", porter.RoleViewer, "admin, manager or viewer")
	staff := fs.Int64("staff", 0, "the staff record this person is, if any")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input; otherwise one is generated and printed once")
	if err := parse(fs, args[1:], stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("user create: unexpected argument %q", fs.Arg(0))
	}
	if *org <= 0 || strings.TrimSpace(*email) == "" {
		return usagef("user create: --org and --email are required")
	}
	if *role != porter.RoleAdmin && *role != porter.RoleManager && *role != porter.RoleViewer {
		return usagef("user create: --role %q: want admin, manager or viewer", *role)
	}
	in := porter.UserInput{Email: *email, Role: *role}
	if *staff > 0 {
		in.StaffID = staff
	}
	generated := !*fromStdin
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("user create: read password: %w", err)
		}
		in.Password = strings.TrimRight(line, "\r\n")
		if len(in.Password) < porter.MinPasswordLen {
			return usagef("user create: the password on standard input needs at least %d characters", porter.MinPasswordLen)
		}
	} else {
		in.Password = porter.NewPassword()
	}
	svc, done, err := adminService(ctx, c)
	if err != nil {
		return err
	}
	defer done()
	u, err := svc.CreateUser(ctx, *org, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created console user %d %s (%s) in organization %d\n", u.ID, u.Email, u.Role, u.OrgID)
	if generated {
		fmt.Fprintf(stdout, "password (shown once, now):\n%s\n", in.Password)
	}
	return nil
}

// userChange runs the user subcommands other than create, through the
// same Service calls as the console's Settings → Users.
func userChange(ctx context.Context, sub string, args []string, getenv func(string) string, stdout io.Writer, usage string) error {
	var c config
	fs := newFlags("user "+sub, usage, getenv, &c)
	org := fs.Int64("org", 0, "organization id (required)")
	var id *int64
	var role *string
	if sub != "list" {
		id = fs.Int64("id", 0, "the user's id (required)")
	}
	if sub == "set-role" {
		role = fs.String("role", "", "admin, manager or viewer (required)")
	}
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("user %s: unexpected argument %q", sub, fs.Arg(0))
	}
	if *org <= 0 || (id != nil && *id <= 0) {
		return usagef("user %s: --org and --id are required", sub)
	}
	svc, done, err := adminService(ctx, c)
	if err != nil {
		return err
	}
	defer done()
	var u *porter.User
	switch sub {
	case "list":
		users, err := svc.Users(ctx, *org)
		if err != nil {
			return err
		}
		for _, u := range users {
			status := "active"
			if !u.Active() {
				status = "deactivated"
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\n", u.ID, u.Email, u.Role, status)
		}
		return nil
	case "set-role":
		u, err = svc.SetUserRole(ctx, *org, *id, *role)
	case "deactivate":
		u, err = svc.DeactivateUser(ctx, *org, *id)
	case "reactivate":
		u, err = svc.ReactivateUser(ctx, *org, *id)
	}
	if err != nil {
		return err
	}
	status := "active"
	if !u.Active() {
		status = "deactivated: signed out everywhere"
	}
	fmt.Fprintf(stdout, "console user %d %s: %s, %s\n", u.ID, u.Email, u.Role, status)
	return nil
}
