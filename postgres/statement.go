package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"porter"
	"porter/postgres/internal/db"
)

func (t *tx) InsertStatement(ctx context.Context, st *porter.Statement) (bool, error) {
	lines, err := json.Marshal(st.Lines)
	if err != nil {
		return false, fmt.Errorf("insert statement: %w", err)
	}
	id, err := t.q.InsertOwnerStatement(ctx, db.InsertOwnerStatementParams{
		OrgID: t.orgID, OwnerID: st.OwnerID, OwnerName: st.OwnerName, Month: st.Month, Currency: st.Currency, Lines: string(lines),
		Nights: st.Nights, Gross: int64(st.Gross), Commission: int64(st.Commission), Fees: int64(st.Fees),
		Expenses: int64(st.Expenses), Net: int64(st.Net), CreatedAt: st.CreatedAt,
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // already drawn up
	}
	if err != nil {
		return false, fmt.Errorf("insert statement: %w", err)
	}
	st.ID = id
	return true, nil
}

func (t *tx) Statement(ctx context.Context, id int64) (*porter.Statement, error) {
	r, err := t.q.GetOwnerStatement(ctx, db.GetOwnerStatementParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "statement", id)
	}
	return statement(r)
}

func (t *tx) OwnerStatementsOfMonth(ctx context.Context, ownerID int64, month string) ([]*porter.Statement, error) {
	rows, err := t.q.OwnerStatementsOfMonth(ctx, db.OwnerStatementsOfMonthParams{OrgID: t.orgID, OwnerID: ownerID, Month: month})
	if err != nil {
		return nil, fmt.Errorf("statements of owner %d for %s: %w", ownerID, month, err)
	}
	var out []*porter.Statement
	for _, r := range rows {
		st, err := statement(r)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func (t *tx) Statements(ctx context.Context, f porter.StatementFilter) (porter.List[*porter.Statement], error) {
	rows, err := t.q.ListOwnerStatements(ctx, db.ListOwnerStatementsParams{
		OrgID: t.orgID, OwnerID: f.OwnerID, Month: f.Month, UpdatedSince: since(f.UpdatedSince),
		Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Statement]{}, fmt.Errorf("list statements: %w", err)
	}
	var out porter.List[*porter.Statement]
	for _, r := range rows {
		st, err := statement(r.OwnerStatement)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, st)
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) CompletedWorkOrderCosts(ctx context.Context, propertyID int64, from, to time.Time) ([]porter.WorkOrderCost, error) {
	rows, err := t.q.CompletedWorkOrderCosts(ctx, db.CompletedWorkOrderCostsParams{
		OrgID: t.orgID, PropertyID: propertyID, CompletedFrom: &from, CompletedTo: &to})
	if err != nil {
		return nil, fmt.Errorf("completed work orders of property %d: %w", propertyID, err)
	}
	out := make([]porter.WorkOrderCost, 0, len(rows))
	for _, r := range rows {
		out = append(out, porter.WorkOrderCost{ID: r.ID, Title: r.Title, Cost: porter.Money(r.Cost), CompletedAt: *r.CompletedAt})
	}
	return out, nil
}

func statement(r db.OwnerStatement) (*porter.Statement, error) {
	st := &porter.Statement{
		ID: r.ID, OwnerID: r.OwnerID, OwnerName: r.OwnerName, Month: r.Month, Currency: r.Currency, Nights: r.Nights,
		Gross: porter.Money(r.Gross), Commission: porter.Money(r.Commission), Fees: porter.Money(r.Fees),
		Expenses: porter.Money(r.Expenses), Net: porter.Money(r.Net), CreatedAt: r.CreatedAt,
	}
	if err := json.Unmarshal([]byte(r.Lines), &st.Lines); err != nil {
		return nil, fmt.Errorf("statement %d lines: %w", r.ID, err)
	}
	return st, nil
}
