package porter_test

import (
	"strings"
	"testing"

	"porter"
	"porter/storetest"
)

// Writes that record no event (owners, ownerships, invoice drafts, blocks)
// are audited all the same: one entry each, with the actor and the diff.
func TestAuditShortTermWritesWithoutEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newAuditFixture(t, s)
		ctx, org := f.ctx, f.org.ID
		p, err := f.svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Sea Villas")})
		auditMust(t, err)
		u, err := f.svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("Villa 1")})
		auditMust(t, err)
		o, err := f.svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("Ada")})
		auditMust(t, err)
		_, err = f.svc.UpdateOwner(ctx, org, o.ID, porter.OwnerInput{Name: ptr("Ada Lovelace")})
		auditMust(t, err)
		rate := porter.Percent(2000)
		link, err := f.svc.LinkProperty(ctx, org, o.ID, porter.OwnershipInput{PropertyID: &p.ID, CommissionRate: &rate})
		auditMust(t, err)
		rate2 := porter.Percent(2500)
		_, err = f.svc.UpdateOwnership(ctx, org, o.ID, link.ID, porter.OwnershipInput{CommissionRate: &rate2})
		auditMust(t, err)
		spare, err := f.svc.CreateOwner(ctx, org, porter.OwnerInput{Name: ptr("Typo")})
		auditMust(t, err)
		auditMust(t, f.svc.DeleteOwner(ctx, org, spare.ID))
		price := porter.Money(5000)
		inv, err := f.svc.CreateInvoice(ctx, org, porter.InvoiceInput{BillToName: ptr("Grace"), Currency: ptr("EUR"),
			Lines: &[]porter.InvoiceLineInput{{Description: "Cleaning", UnitPrice: &price}}})
		auditMust(t, err)
		_, err = f.svc.UpdateInvoice(ctx, org, inv.ID, porter.InvoiceInput{Notes: ptr("Thanks")})
		auditMust(t, err)
		b, err := f.svc.CreateBlock(ctx, org, porter.BlockInput{UnitID: &u.ID, Kind: ptr("maintenance"), StartDate: ptr("2026-08-01"), EndDate: ptr("2026-08-02")})
		auditMust(t, err)
		_, err = f.svc.UpdateBlock(ctx, org, b.ID, porter.BlockInput{Reason: ptr("Paint")})
		auditMust(t, err)
		auditMust(t, f.svc.DeleteBlock(ctx, org, b.ID))
		// A refused write leaves nothing.
		_, err = f.svc.CreateBlock(ctx, org, porter.BlockInput{UnitID: &u.ID, StartDate: ptr("2026-08-05"), EndDate: ptr("2026-08-01")})
		if porter.ErrorCode(err) != porter.EINVALID {
			t.Fatalf("bad block: %v", err)
		}

		var got []string
		for _, e := range f.log(t, porter.AuditFilter{ListParams: porter.ListParams{PerPage: 100}}) {
			if e.ResourceType == "property" || e.ResourceType == "unit" {
				continue
			}
			if e.Actor.Type != porter.ActorAPIKey || e.Actor.ID != 7 {
				t.Errorf("%s: actor %+v", e.Action, e.Actor)
			}
			got = append(got, e.Action)
		}
		want := "block.delete block.update block.create invoice.update invoice.create owner.delete owner.create ownership.update ownership.link_property owner.update owner.create"
		if strings.Join(got, " ") != want {
			t.Fatalf("audit actions, newest first:\n got %s\nwant %s", strings.Join(got, " "), want)
		}
		upd := f.log(t, porter.AuditFilter{Action: "owner.update"})
		if len(upd) != 1 || !strings.Contains(string(upd[0].Before), `"Ada"`) || !strings.Contains(string(upd[0].After), "Ada Lovelace") {
			t.Fatalf("owner.update diff: %+v", upd)
		}
	})
}

func auditMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
