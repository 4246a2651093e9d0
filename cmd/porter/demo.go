package main

import (
	"context"
	"fmt"
	"io"

	"porter"
)

// seedDemo fills an empty database with a demo organization and prints a
// key and URLs to try. On a database that has data it does nothing.
func seedDemo(ctx context.Context, svc *porter.Service, baseURL string, stdout io.Writer) error {
	orgs, err := svc.Store.Organizations(ctx)
	if err != nil {
		return err
	}
	if len(orgs) > 0 {
		fmt.Fprintln(stdout, "demo: the database already has data; not adding the demo organization")
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
	for _, name := range []string{"1A", "1B", "2A", "2B"} {
		rent := porter.Money(180000)
		if _, err := svc.CreateUnit(ctx, org.ID, porter.UnitInput{PropertyID: &prop.ID, Name: s(name), MarketRent: &rent}); err != nil {
			return err
		}
	}
	for _, t := range [][3]string{{"jane@example.com", "Jane", "Smith"}, {"omar@example.com", "Omar", "Haddad"}} {
		if _, err := svc.CreateTenant(ctx, org.ID, porter.TenantInput{Email: s(t[0]), FirstName: s(t[1]), LastName: s(t[2])}); err != nil {
			return err
		}
	}
	text, _, err := svc.CreateAPIKey(ctx, org.ID, porter.APIKeyInput{Name: "Demo"})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, `Porter demo data is ready: organization %d, property %d (%s).

API key (full access; shown once):
  %s

Try:
  curl -H "Authorization: Bearer %s" %s/v1/tenants
  curl -H "Authorization: Bearer %s" %s/api/triggers.php
  API reference: %s/docs
`, org.ID, prop.ID, prop.Name, text, text, baseURL, text, baseURL, baseURL)
	return nil
}
