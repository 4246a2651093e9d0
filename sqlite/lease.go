package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"porter"
	"porter/sqlite/internal/db"
)

func (t *tx) InsertLease(ctx context.Context, l *porter.Lease) error {
	id, err := t.q.InsertLease(ctx, db.InsertLeaseParams{
		OrgID: t.orgID, UnitID: l.UnitID, Status: l.Status, StartDate: l.StartDate, EndDate: l.EndDate,
		MonthlyRent: int64(l.MonthlyRent), Deposit: int64(l.Deposit), CreatedAt: ts(l.CreatedAt), UpdatedAt: ts(l.UpdatedAt),
		ActivatedAt: nts(l.ActivatedAt), TerminatedAt: nts(l.TerminatedAt), TerminationReason: l.TerminationReason,
	})
	if err != nil {
		return fmt.Errorf("insert lease: %w", err)
	}
	l.ID = id
	return t.setLeaseTenants(ctx, l)
}

// setLeaseTenants replaces the lease's tenants, in order.
func (t *tx) setLeaseTenants(ctx context.Context, l *porter.Lease) error {
	if err := t.q.DeleteLeaseTenants(ctx, db.DeleteLeaseTenantsParams{OrgID: t.orgID, LeaseID: l.ID}); err != nil {
		return fmt.Errorf("set lease %d tenants: %w", l.ID, err)
	}
	for i, id := range l.TenantIDs {
		err := t.q.InsertLeaseTenant(ctx, db.InsertLeaseTenantParams{OrgID: t.orgID, LeaseID: l.ID, TenantID: id, Position: int64(i)})
		if err != nil {
			return fmt.Errorf("set lease %d tenants: %w", l.ID, err)
		}
	}
	return nil
}

func (t *tx) Lease(ctx context.Context, id int64) (*porter.Lease, error) {
	r, err := t.q.GetLease(ctx, db.GetLeaseParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "lease", id)
	}
	out, err := t.withTenants(ctx, []db.Lease{r})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// LeaseForUpdate needs no lock on SQLite: write transactions run one at a time.
func (t *tx) LeaseForUpdate(ctx context.Context, id int64) (*porter.Lease, error) {
	return t.Lease(ctx, id)
}

// LockLeaseUnit needs no lock on SQLite either; it checks the unit exists.
func (t *tx) LockLeaseUnit(ctx context.Context, unitID int64) error {
	_, err := t.Unit(ctx, unitID)
	return err
}

func (t *tx) UpdateLease(ctx context.Context, l *porter.Lease) error {
	n, err := t.q.UpdateLease(ctx, db.UpdateLeaseParams{
		OrgID: t.orgID, ID: l.ID, UnitID: l.UnitID, Status: l.Status, StartDate: l.StartDate, EndDate: l.EndDate,
		MonthlyRent: int64(l.MonthlyRent), Deposit: int64(l.Deposit), UpdatedAt: ts(l.UpdatedAt),
		ActivatedAt: nts(l.ActivatedAt), TerminatedAt: nts(l.TerminatedAt), TerminationReason: l.TerminationReason,
	})
	if err := affected(n, err, "lease", l.ID); err != nil {
		return err
	}
	return t.setLeaseTenants(ctx, l)
}

func (t *tx) Leases(ctx context.Context, f porter.LeaseFilter) (porter.List[*porter.Lease], error) {
	rows, err := t.q.ListLeases(ctx, db.ListLeasesParams{
		OrgID: t.orgID, Status: f.Status, UnitID: f.UnitID, TenantID: f.TenantID, PropertyID: f.PropertyID,
		UpdatedSince: since(f.UpdatedSince), Lim: int64(f.Limit()), BelowID: f.Below(), Off: int64(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Lease]{}, fmt.Errorf("list leases: %w", err)
	}
	var out porter.List[*porter.Lease]
	leases := make([]db.Lease, len(rows))
	for i, r := range rows {
		leases[i] = r.Lease
		out.Total = int(r.Total)
	}
	out.Items, err = t.withTenants(ctx, leases)
	return out, err
}

func (t *tx) OverlappingLeases(ctx context.Context, unitID, excludeID int64, start, end string) (int, error) {
	n, err := t.q.CountOverlappingLeases(ctx, db.CountOverlappingLeasesParams{
		OrgID: t.orgID, UnitID: unitID, ExcludeID: excludeID, StartDate: start, EndDate: end,
	})
	if err != nil {
		return 0, fmt.Errorf("count overlapping leases: %w", err)
	}
	return int(n), nil
}

func (t *tx) ActiveLeasesEndingBy(ctx context.Context, date string) ([]*porter.Lease, error) {
	rows, err := t.q.ListActiveLeasesEndingBy(ctx, db.ListActiveLeasesEndingByParams{OrgID: t.orgID, EndDate: date})
	if err != nil {
		return nil, fmt.Errorf("list leases ending by %s: %w", date, err)
	}
	return t.withTenants(ctx, rows)
}

func (t *tx) InsertLeaseAlert(ctx context.Context, a *porter.LeaseAlert) (bool, error) {
	n, err := t.q.InsertLeaseAlert(ctx, db.InsertLeaseAlertParams{
		OrgID: t.orgID, LeaseID: a.LeaseID, ThresholdDays: int64(a.ThresholdDays), EndDate: a.EndDate,
		Status: a.Status, CreatedAt: ts(a.CreatedAt),
	})
	if err != nil {
		return false, fmt.Errorf("insert lease alert: %w", err)
	}
	return n == 1, nil
}

// withTenants converts rows to leases and loads their tenants in one query.
func (t *tx) withTenants(ctx context.Context, rows []db.Lease) ([]*porter.Lease, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]*porter.Lease, len(rows))
	byID := make(map[int64]*porter.Lease, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = lease(r)
		byID[r.ID], ids[i] = out[i], r.ID
	}
	idJSON, _ := json.Marshal(ids)
	tenants, err := t.q.ListLeaseTenantsIn(ctx, db.ListLeaseTenantsInParams{OrgID: t.orgID, LeaseIds: string(idJSON)})
	if err != nil {
		return nil, fmt.Errorf("list lease tenants: %w", err)
	}
	for _, r := range tenants {
		l := byID[r.LeaseID]
		l.TenantIDs = append(l.TenantIDs, r.TenantID)
	}
	for _, l := range out {
		if len(l.TenantIDs) > 0 {
			l.TenantID = l.TenantIDs[0]
		}
	}
	return out, nil
}

func lease(r db.Lease) *porter.Lease {
	return &porter.Lease{
		ID: r.ID, UnitID: r.UnitID, TenantIDs: []int64{}, StartDate: r.StartDate, EndDate: r.EndDate,
		MonthlyRent: porter.Money(r.MonthlyRent), Deposit: porter.Money(r.Deposit), Status: r.Status,
		CreatedAt: pts(r.CreatedAt), UpdatedAt: pts(r.UpdatedAt), ActivatedAt: pnts(r.ActivatedAt),
		TerminatedAt: pnts(r.TerminatedAt), TerminationReason: r.TerminationReason,
	}
}
