package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) UpsertTaxRule(ctx context.Context, r *porter.TaxRule) error {
	err := t.q.UpsertTaxRule(ctx, db.UpsertTaxRuleParams{OrgID: t.orgID, PropertyID: r.PropertyID, PerGuestNight: int64(r.PerGuestNight),
		Percent: int32(r.Percent), MaxNights: int32(r.MaxNights), UpdatedAt: r.UpdatedAt})
	if err != nil {
		return fmt.Errorf("upsert tax rule: %w", err)
	}
	return nil
}

func (t *tx) TaxRules(ctx context.Context) ([]*porter.TaxRule, error) {
	rows, err := t.q.ListTaxRules(ctx, t.orgID)
	if err != nil {
		return nil, fmt.Errorf("list tax rules: %w", err)
	}
	out := []*porter.TaxRule{}
	for _, r := range rows {
		out = append(out, &porter.TaxRule{PropertyID: r.PropertyID, PerGuestNight: porter.Money(r.PerGuestNight),
			Percent: porter.Percent(r.Percent), MaxNights: int64(r.MaxNights), UpdatedAt: r.UpdatedAt})
	}
	return out, nil
}

func (t *tx) InsertTaxReport(ctx context.Context, r *porter.TaxReport) (bool, error) {
	rule, err := json.Marshal(r.Rule)
	if err != nil {
		return false, fmt.Errorf("insert tax report: %w", err)
	}
	id, err := t.q.InsertTaxReport(ctx, db.InsertTaxReportParams{
		OrgID: t.orgID, PropertyID: r.PropertyID, PropertyName: r.PropertyName, Month: r.Month, Currency: r.Currency,
		Stays: r.Stays, Nights: r.Nights, GuestNights: r.GuestNights, TaxableGuestNights: r.TaxableGuestNights,
		Accommodation: int64(r.Accommodation), TaxDue: int64(r.TaxDue), Rule: string(rule), CreatedAt: r.CreatedAt,
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // already drawn up
	}
	if err != nil {
		return false, fmt.Errorf("insert tax report: %w", err)
	}
	r.ID = id
	return true, nil
}

func (t *tx) TaxReportsOfMonth(ctx context.Context, propertyID int64, month string) ([]*porter.TaxReport, error) {
	rows, err := t.q.TaxReportsOfMonth(ctx, db.TaxReportsOfMonthParams{OrgID: t.orgID, PropertyID: propertyID, Month: month})
	if err != nil {
		return nil, fmt.Errorf("tax reports of property %d for %s: %w", propertyID, month, err)
	}
	var out []*porter.TaxReport
	for _, r := range rows {
		rep, err := taxReport(r)
		if err != nil {
			return nil, err
		}
		out = append(out, rep)
	}
	return out, nil
}

func (t *tx) TaxReports(ctx context.Context, f porter.TaxReportFilter) (porter.List[*porter.TaxReport], error) {
	rows, err := t.q.ListTaxReports(ctx, db.ListTaxReportsParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, Month: f.Month, UpdatedSince: since(f.UpdatedSince),
		Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.TaxReport]{}, fmt.Errorf("list tax reports: %w", err)
	}
	var out porter.List[*porter.TaxReport]
	for _, r := range rows {
		rep, err := taxReport(r.TaxReport)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, rep)
		out.Total = int(r.Total)
	}
	return out, nil
}

func taxReport(r db.TaxReport) (*porter.TaxReport, error) {
	rep := &porter.TaxReport{
		ID: r.ID, PropertyID: r.PropertyID, PropertyName: r.PropertyName, Month: r.Month, Currency: r.Currency, Stays: r.Stays,
		Nights: r.Nights, GuestNights: r.GuestNights, TaxableGuestNights: r.TaxableGuestNights,
		Accommodation: porter.Money(r.Accommodation), TaxDue: porter.Money(r.TaxDue), CreatedAt: r.CreatedAt,
	}
	if err := json.Unmarshal([]byte(r.Rule), &rep.Rule); err != nil {
		return nil, fmt.Errorf("tax report %d rule: %w", r.ID, err)
	}
	return rep, nil
}
