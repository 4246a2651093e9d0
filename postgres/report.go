package postgres

import (
	"context"
	"fmt"

	"porter"
	"porter/postgres/internal/db"
)

// Reports: the lean reads behind the revenue and occupancy reports.

func (t *tx) ReportStays(ctx context.Context, propertyID int64, from, to string, prices bool) ([]porter.ReportStay, error) {
	if !prices {
		rows, err := t.q.ReportStayDates(ctx, db.ReportStayDatesParams{OrgID: t.orgID, PropertyID: propertyID, DateFrom: from, DateTo: to})
		if err != nil {
			return nil, fmt.Errorf("report stay dates: %w", err)
		}
		out := make([]porter.ReportStay, len(rows))
		for i, r := range rows {
			out[i] = porter.ReportStay{PropertyID: r.PropertyID, UnitID: r.UnitID, CheckIn: r.CheckIn, CheckOut: r.CheckOut}
		}
		return out, nil
	}
	rows, err := t.q.ReportStays(ctx, db.ReportStaysParams{OrgID: t.orgID, PropertyID: propertyID, DateFrom: from, DateTo: to})
	if err != nil {
		return nil, fmt.Errorf("report stays: %w", err)
	}
	out := make([]porter.ReportStay, len(rows))
	for i, r := range rows {
		out[i] = porter.ReportStay{PropertyID: r.PropertyID, UnitID: r.UnitID, Currency: r.Currency, NightlyPrices: r.NightlyPrices}
	}
	return out, nil
}

func (t *tx) ReportOwnerships(ctx context.Context, propertyID int64, from, to string) ([]*porter.Ownership, error) {
	rows, err := t.q.ReportOwnerships(ctx, db.ReportOwnershipsParams{OrgID: t.orgID, PropertyID: propertyID, DateFrom: &from, DateTo: to})
	if err != nil {
		return nil, fmt.Errorf("report ownerships: %w", err)
	}
	out := make([]*porter.Ownership, len(rows))
	for i, r := range rows {
		out[i] = ownership(r)
	}
	return out, nil
}

func (t *tx) ReportProperties(ctx context.Context, propertyID int64) ([]porter.ReportProperty, error) {
	rows, err := t.q.ReportProperties(ctx, db.ReportPropertiesParams{OrgID: t.orgID, PropertyID: propertyID})
	if err != nil {
		return nil, fmt.Errorf("report properties: %w", err)
	}
	out := make([]porter.ReportProperty, len(rows))
	for i, r := range rows {
		out[i] = porter.ReportProperty{ID: r.ID, Name: r.Name}
	}
	return out, nil
}
