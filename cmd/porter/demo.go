package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"porter"
)

// seedDemo fills an empty database with a demo organization and prints a
// key and URLs to try. On a database that has data it does nothing.
func seedDemo(ctx context.Context, svc *porter.Service, baseURL, dsn string, stdout io.Writer) error {
	orgs, err := svc.Store.Organizations(ctx)
	if err != nil {
		return err
	}
	if len(orgs) > 0 {
		alreadySeeded(orgs, dsn, stdout)
		return nil
	}
	org, err := svc.CreateOrganization(ctx, "Demo Property Management")
	if err != nil {
		return err
	}
	s := func(v string) *string { return &v }
	prop, err := svc.CreateProperty(ctx, org.ID, porter.PropertyInput{Name: s("Maple Court"), Address: s("12 Maple Street"), City: s("Springfield"), PostalCode: s("12345"), Country: s("US")})
	if err != nil {
		return err
	}
	rent := porter.Money(180000)
	var units []*porter.Unit
	for _, name := range []string{"1A", "1B", "2A", "2B"} {
		u, err := svc.CreateUnit(ctx, org.ID, porter.UnitInput{PropertyID: &prop.ID, Name: s(name), MarketRent: &rent})
		if err != nil {
			return err
		}
		units = append(units, u)
	}
	var tenants []*porter.Tenant
	for _, t := range [][3]string{{"jane@example.com", "Jane", "Smith"}, {"omar@example.com", "Omar", "Haddad"}} {
		tn, err := svc.CreateTenant(ctx, org.ID, porter.TenantInput{Email: s(t[0]), FirstName: s(t[1]), LastName: s(t[2])})
		if err != nil {
			return err
		}
		tenants = append(tenants, tn)
	}
	// Jane rents 1A for a year from the start of this month; this month's
	// rent and a utility bill are open.
	now := svc.Now().UTC()
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	deposit := 2 * rent
	lease, err := svc.CreateLease(ctx, org.ID, porter.LeaseInput{UnitID: &units[0].ID, TenantID: &tenants[0].ID,
		StartDate: s(start.Format(porter.DateLayout)), EndDate: s(start.AddDate(1, 0, -1).Format(porter.DateLayout)),
		MonthlyRent: &rent, Deposit: &deposit})
	if err != nil {
		return err
	}
	if _, err := svc.ActivateLease(ctx, org.ID, lease.ID); err != nil {
		return err
	}
	water := porter.Money(4250)
	for _, c := range []porter.ChargeInput{
		{TenantID: &tenants[0].ID, LeaseID: &lease.ID, Amount: &rent, Description: s("Rent " + start.Format("January 2006")), DueDate: s(start.Format(porter.DateLayout)), Category: s("rent")},
		{TenantID: &tenants[0].ID, Amount: &water, Description: s("Water"), DueDate: s(start.AddDate(0, 0, 14).Format(porter.DateLayout)), Category: s("utility")},
	} {
		if _, err := svc.CreateCharge(ctx, org.ID, c); err != nil {
			return err
		}
	}
	text, _, err := svc.CreateAPIKey(ctx, org.ID, porter.APIKeyInput{Name: "Demo"})
	if err != nil {
		return err
	}
	password := porter.NewPassword()
	if _, err := svc.CreateUser(ctx, org.ID, porter.UserInput{Email: demoAdmin, Role: porter.RoleAdmin, Password: password}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, `Porter demo data is ready: organization %d, property %d (%s).

API key (full access; shown once):
  %s

Try:
  curl -H "Authorization: Bearer %s" %s/v1/tenants
  curl -H "Authorization: Bearer %s" %s/api/triggers.php
  API reference: %s/docs

Console (sign in with a browser; the password is shown once):
  %s/login
  email:    %s
  password: %s
`, org.ID, prop.ID, prop.Name, text, text, baseURL, text, baseURL, baseURL, baseURL, demoAdmin, password)
	return nil
}

// demoAdmin is the demo organization's console admin.
const demoAdmin = "admin@example.com"

// alreadySeeded tells someone who ran --demo again, having lost the key it
// printed, how to make another: keys are stored hashed, never shown twice.
func alreadySeeded(orgs []*porter.Organization, dsn string, stdout io.Writer) {
	fmt.Fprintln(stdout, "demo: the database already has data, so nothing was added and no key is printed.")
	fmt.Fprintln(stdout, "Organizations:")
	for i, o := range orgs {
		if i == 5 {
			fmt.Fprintf(stdout, "  … and %d more\n", len(orgs)-i)
			break
		}
		fmt.Fprintf(stdout, "  %d  %s\n", o.ID, o.Name)
	}
	db := ""
	if dsn != settingDefault("PORTER_DB") {
		db = " (with the same --db or PORTER_DB as this server)"
	}
	fmt.Fprintf(stdout, "Make a key (printed once, on the last line) in another terminal%s:\n  ./porter key create --org %d --name NAME\n", db, orgs[0].ID)
	fmt.Fprintf(stdout, "and a console user (its password printed once):\n  ./porter user create --org %d --email EMAIL --role admin\n", orgs[0].ID)
}
