package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"porter"
	"porter/postgres/internal/db"
)

// Facility records: asset categories, assets, warranties, warranty
// claims, compliance certificates and their expiry alerts.

func (t *tx) InsertAssetCategory(ctx context.Context, c *porter.AssetCategory) (bool, error) {
	id, err := t.q.InsertAssetCategory(ctx, db.InsertAssetCategoryParams{
		OrgID: t.orgID, Name: c.Name, NameKey: strings.ToLower(c.Name), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // the name is taken
	}
	if err != nil {
		return false, fmt.Errorf("insert asset category: %w", err)
	}
	c.ID = id
	return true, nil
}

func (t *tx) AssetCategory(ctx context.Context, id int64) (*porter.AssetCategory, error) {
	r, err := t.q.GetAssetCategory(ctx, db.GetAssetCategoryParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "asset category", id)
	}
	return assetCategory(r), nil
}

func (t *tx) AssetCategoryForUpdate(ctx context.Context, id int64) (*porter.AssetCategory, error) {
	r, err := t.q.GetAssetCategoryForUpdate(ctx, db.GetAssetCategoryForUpdateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "asset category", id)
	}
	return assetCategory(r), nil
}

func (t *tx) AssetCategoryByName(ctx context.Context, name string) (*porter.AssetCategory, error) {
	r, err := t.q.GetAssetCategoryByKey(ctx, db.GetAssetCategoryByKeyParams{OrgID: t.orgID, NameKey: strings.ToLower(strings.TrimSpace(name))})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, porter.Errorf(porter.ENOTFOUND, "asset category %q not found", name)
	}
	if err != nil {
		return nil, fmt.Errorf("get asset category %q: %w", name, err)
	}
	return assetCategory(r), nil
}

func (t *tx) AssetCategories(ctx context.Context) ([]*porter.AssetCategory, error) {
	rows, err := t.q.ListAssetCategories(ctx, t.orgID)
	if err != nil {
		return nil, fmt.Errorf("list asset categories: %w", err)
	}
	out := make([]*porter.AssetCategory, 0, len(rows))
	for _, r := range rows {
		out = append(out, assetCategory(r))
	}
	return out, nil
}

func (t *tx) UpdateAssetCategory(ctx context.Context, c *porter.AssetCategory) error {
	n, err := t.q.UpdateAssetCategory(ctx, db.UpdateAssetCategoryParams{
		OrgID: t.orgID, ID: c.ID, Name: c.Name, NameKey: strings.ToLower(c.Name), UpdatedAt: c.UpdatedAt,
	})
	return affected(n, err, "asset category", c.ID)
}

func (t *tx) DeleteAssetCategory(ctx context.Context, id int64) error {
	n, err := t.q.DeleteAssetCategory(ctx, db.DeleteAssetCategoryParams{OrgID: t.orgID, ID: id})
	return affected(n, err, "asset category", id)
}

func (t *tx) CountAssetsInCategory(ctx context.Context, id int64) (int, error) {
	n, err := t.q.CountAssetsInCategory(ctx, db.CountAssetsInCategoryParams{OrgID: t.orgID, CategoryID: &id})
	if err != nil {
		return 0, fmt.Errorf("count assets in category %d: %w", id, err)
	}
	return int(n), nil
}

func assetCategory(r db.AssetCategory) *porter.AssetCategory {
	return &porter.AssetCategory{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (t *tx) InsertAsset(ctx context.Context, a *porter.Asset) error {
	id, err := t.q.InsertAsset(ctx, db.InsertAssetParams{
		OrgID: t.orgID, PropertyID: a.PropertyID, UnitID: a.UnitID, CategoryID: a.CategoryID, Name: a.Name,
		Make: a.Make, Model: a.Model, Serial: a.Serial, InstallDate: optText(a.InstallDate), Condition: a.Condition, Status: a.Status,
		Location: a.Location, Notes: a.Notes, ExternalRef: a.ExternalRef, DisposalReason: a.DisposalReason,
		DisposedAt: a.DisposedAt, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	})
	if err != nil {
		return conflict(fmt.Errorf("insert asset: %w", err))
	}
	a.ID = id
	return nil
}

func (t *tx) Asset(ctx context.Context, id int64) (*porter.Asset, error) {
	r, err := t.q.GetAsset(ctx, db.GetAssetParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "asset", id)
	}
	return asset(r.Asset, r.CategoryName), nil
}

// AssetForUpdate locks the asset's row, then reads it with its category's
// name.
func (t *tx) AssetForUpdate(ctx context.Context, id int64) (*porter.Asset, error) {
	if _, err := t.q.GetAssetForUpdate(ctx, db.GetAssetForUpdateParams{OrgID: t.orgID, ID: id}); err != nil {
		return nil, notFound(err, "asset", id)
	}
	return t.Asset(ctx, id)
}

func (t *tx) AssetByExternalRef(ctx context.Context, ref string) (*porter.Asset, error) {
	r, err := t.q.GetAssetByExternalRef(ctx, db.GetAssetByExternalRefParams{OrgID: t.orgID, ExternalRef: ref})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, porter.Errorf(porter.ENOTFOUND, "no asset has external_ref %q", ref)
	}
	if err != nil {
		return nil, fmt.Errorf("get asset by external_ref: %w", err)
	}
	return asset(r.Asset, r.CategoryName), nil
}

func (t *tx) UpdateAsset(ctx context.Context, a *porter.Asset) error {
	n, err := t.q.UpdateAsset(ctx, db.UpdateAssetParams{
		OrgID: t.orgID, ID: a.ID, PropertyID: a.PropertyID, UnitID: a.UnitID, CategoryID: a.CategoryID,
		Name: a.Name, Make: a.Make, Model: a.Model, Serial: a.Serial, InstallDate: optText(a.InstallDate), Condition: a.Condition,
		Status: a.Status, Location: a.Location, Notes: a.Notes, ExternalRef: a.ExternalRef, DisposalReason: a.DisposalReason,
		DisposedAt: a.DisposedAt, UpdatedAt: a.UpdatedAt,
	})
	return affected(n, err, "asset", a.ID)
}

func (t *tx) Assets(ctx context.Context, f porter.AssetFilter) (porter.List[*porter.Asset], error) {
	rows, err := t.q.ListAssets(ctx, db.ListAssetsParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, UnitID: f.UnitID, CategoryID: f.CategoryID, Condition: f.Condition,
		Status: f.Status, ExternalRef: f.ExternalRef, Search: f.SearchPattern(), UpdatedSince: since(f.UpdatedSince),
		Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Asset]{}, fmt.Errorf("list assets: %w", err)
	}
	var out porter.List[*porter.Asset]
	for _, r := range rows {
		out.Items = append(out.Items, asset(r.Asset, r.CategoryName))
		out.Total = int(r.Total)
	}
	return out, nil
}

func asset(r db.Asset, category string) *porter.Asset {
	return &porter.Asset{
		ID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, CategoryID: r.CategoryID, Category: category,
		Name: r.Name, Make: r.Make, Model: r.Model, Serial: r.Serial, InstallDate: textOpt(r.InstallDate), Condition: r.Condition,
		Status: r.Status, Location: r.Location, Notes: r.Notes, ExternalRef: r.ExternalRef, DisposalReason: r.DisposalReason,
		DisposedAt: r.DisposedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func (t *tx) InsertWarranty(ctx context.Context, w *porter.Warranty) error {
	id, err := t.q.InsertWarranty(ctx, db.InsertWarrantyParams{
		OrgID: t.orgID, AssetID: w.AssetID, Provider: w.Provider, Contact: w.Contact, PolicyNumber: w.PolicyNumber,
		StartDate: w.StartDate, EndDate: w.EndDate, Coverage: w.Coverage, ExternalRef: w.ExternalRef,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
	})
	if err != nil {
		return conflict(fmt.Errorf("insert warranty: %w", err))
	}
	w.ID = id
	return nil
}

func (t *tx) Warranty(ctx context.Context, id int64) (*porter.Warranty, error) {
	r, err := t.q.GetWarranty(ctx, db.GetWarrantyParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "warranty", id)
	}
	return warranty(r), nil
}

func (t *tx) WarrantyForUpdate(ctx context.Context, id int64) (*porter.Warranty, error) {
	r, err := t.q.GetWarrantyForUpdate(ctx, db.GetWarrantyForUpdateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "warranty", id)
	}
	return warranty(r), nil
}

func (t *tx) WarrantyByExternalRef(ctx context.Context, ref string) (*porter.Warranty, error) {
	r, err := t.q.GetWarrantyByExternalRef(ctx, db.GetWarrantyByExternalRefParams{OrgID: t.orgID, ExternalRef: ref})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, porter.Errorf(porter.ENOTFOUND, "no warranty has external_ref %q", ref)
	}
	if err != nil {
		return nil, fmt.Errorf("get warranty by external_ref: %w", err)
	}
	return warranty(r), nil
}

func (t *tx) UpdateWarranty(ctx context.Context, w *porter.Warranty) error {
	n, err := t.q.UpdateWarranty(ctx, db.UpdateWarrantyParams{
		OrgID: t.orgID, ID: w.ID, AssetID: w.AssetID, Provider: w.Provider, Contact: w.Contact, PolicyNumber: w.PolicyNumber,
		StartDate: w.StartDate, EndDate: w.EndDate, Coverage: w.Coverage, ExternalRef: w.ExternalRef, UpdatedAt: w.UpdatedAt,
	})
	return affected(n, err, "warranty", w.ID)
}

func (t *tx) Warranties(ctx context.Context, assetID int64) ([]*porter.Warranty, error) {
	rows, err := t.q.ListWarranties(ctx, db.ListWarrantiesParams{OrgID: t.orgID, AssetID: assetID})
	if err != nil {
		return nil, fmt.Errorf("list warranties: %w", err)
	}
	out := make([]*porter.Warranty, 0, len(rows))
	for _, r := range rows {
		out = append(out, warranty(r))
	}
	return out, nil
}

func (t *tx) WarrantiesEndingBetween(ctx context.Context, from, to string) ([]*porter.Warranty, error) {
	rows, err := t.q.WarrantiesEndingBetween(ctx, db.WarrantiesEndingBetweenParams{OrgID: t.orgID, FromDate: from, ToDate: to})
	if err != nil {
		return nil, fmt.Errorf("list warranties ending: %w", err)
	}
	out := make([]*porter.Warranty, 0, len(rows))
	for _, r := range rows {
		out = append(out, warranty(r))
	}
	return out, nil
}

func warranty(r db.Warranty) *porter.Warranty {
	return &porter.Warranty{
		ID: r.ID, AssetID: r.AssetID, Provider: r.Provider, Contact: r.Contact, PolicyNumber: r.PolicyNumber,
		StartDate: r.StartDate, EndDate: r.EndDate, Coverage: r.Coverage, ExternalRef: r.ExternalRef,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func (t *tx) InsertWarrantyClaim(ctx context.Context, c *porter.WarrantyClaim) error {
	id, err := t.q.InsertWarrantyClaim(ctx, db.InsertWarrantyClaimParams{
		OrgID: t.orgID, WarrantyID: c.WarrantyID, Status: c.Status, Description: c.Description,
		WorkOrderID: c.WorkOrderID, Notes: c.Notes, SubmittedAt: c.SubmittedAt, DecidedAt: c.DecidedAt,
		ClosedAt: c.ClosedAt, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("insert warranty claim: %w", err)
	}
	c.ID = id
	return nil
}

func (t *tx) WarrantyClaim(ctx context.Context, id int64) (*porter.WarrantyClaim, error) {
	r, err := t.q.GetWarrantyClaim(ctx, db.GetWarrantyClaimParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "warranty claim", id)
	}
	return warrantyClaim(r), nil
}

func (t *tx) WarrantyClaimForUpdate(ctx context.Context, id int64) (*porter.WarrantyClaim, error) {
	r, err := t.q.GetWarrantyClaimForUpdate(ctx, db.GetWarrantyClaimForUpdateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "warranty claim", id)
	}
	return warrantyClaim(r), nil
}

func (t *tx) UpdateWarrantyClaim(ctx context.Context, c *porter.WarrantyClaim) error {
	n, err := t.q.UpdateWarrantyClaim(ctx, db.UpdateWarrantyClaimParams{
		OrgID: t.orgID, ID: c.ID, Status: c.Status, Description: c.Description, WorkOrderID: c.WorkOrderID,
		Notes: c.Notes, SubmittedAt: c.SubmittedAt, DecidedAt: c.DecidedAt, ClosedAt: c.ClosedAt,
		UpdatedAt: c.UpdatedAt,
	})
	return affected(n, err, "warranty claim", c.ID)
}

func (t *tx) WarrantyClaims(ctx context.Context, warrantyID int64) ([]*porter.WarrantyClaim, error) {
	rows, err := t.q.ListWarrantyClaims(ctx, db.ListWarrantyClaimsParams{OrgID: t.orgID, WarrantyID: warrantyID})
	if err != nil {
		return nil, fmt.Errorf("list warranty claims: %w", err)
	}
	out := make([]*porter.WarrantyClaim, 0, len(rows))
	for _, r := range rows {
		out = append(out, warrantyClaim(r))
	}
	return out, nil
}

func warrantyClaim(r db.WarrantyClaim) *porter.WarrantyClaim {
	return &porter.WarrantyClaim{
		ID: r.ID, WarrantyID: r.WarrantyID, Status: r.Status, Description: r.Description, WorkOrderID: r.WorkOrderID,
		Notes: r.Notes, SubmittedAt: r.SubmittedAt, DecidedAt: r.DecidedAt, ClosedAt: r.ClosedAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func (t *tx) InsertCertificate(ctx context.Context, c *porter.Certificate) error {
	id, err := t.q.InsertCertificate(ctx, db.InsertCertificateParams{
		OrgID: t.orgID, Type: c.Type, PropertyID: c.PropertyID, AssetID: c.AssetID, Reference: c.Reference,
		Issuer: c.Issuer, IssueDate: c.IssueDate, ExpiryDate: c.ExpiryDate, DocumentID: c.DocumentID, Notes: c.Notes,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("insert certificate: %w", err)
	}
	c.ID = id
	return nil
}

func (t *tx) Certificate(ctx context.Context, id int64) (*porter.Certificate, error) {
	r, err := t.q.GetCertificate(ctx, db.GetCertificateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "certificate", id)
	}
	return certificate(r), nil
}

func (t *tx) CertificateForUpdate(ctx context.Context, id int64) (*porter.Certificate, error) {
	r, err := t.q.GetCertificateForUpdate(ctx, db.GetCertificateForUpdateParams{OrgID: t.orgID, ID: id})
	if err != nil {
		return nil, notFound(err, "certificate", id)
	}
	return certificate(r), nil
}

func (t *tx) UpdateCertificate(ctx context.Context, c *porter.Certificate) error {
	n, err := t.q.UpdateCertificate(ctx, db.UpdateCertificateParams{
		OrgID: t.orgID, ID: c.ID, Type: c.Type, PropertyID: c.PropertyID, AssetID: c.AssetID, Reference: c.Reference,
		Issuer: c.Issuer, IssueDate: c.IssueDate, ExpiryDate: c.ExpiryDate, DocumentID: c.DocumentID, Notes: c.Notes,
		UpdatedAt: c.UpdatedAt,
	})
	return affected(n, err, "certificate", c.ID)
}

func (t *tx) Certificates(ctx context.Context, f porter.CertificateFilter) (porter.List[*porter.Certificate], error) {
	rows, err := t.q.ListCertificates(ctx, db.ListCertificatesParams{
		OrgID: t.orgID, PropertyID: f.PropertyID, AssetID: f.AssetID, Type: f.Type, ExpiryFrom: f.ExpiryFrom,
		ExpiryTo: f.ExpiryTo, UpdatedSince: since(f.UpdatedSince),
		Lim: int32(f.Limit()), BelowID: f.Below(), Off: int32(f.Offset()),
	})
	if err != nil {
		return porter.List[*porter.Certificate]{}, fmt.Errorf("list certificates: %w", err)
	}
	var out porter.List[*porter.Certificate]
	for _, r := range rows {
		out.Items = append(out.Items, certificate(r.Certificate))
		out.Total = int(r.Total)
	}
	return out, nil
}

func (t *tx) CertificatesDue(ctx context.Context, date string) ([]*porter.Certificate, error) {
	rows, err := t.q.CertificatesDue(ctx, db.CertificatesDueParams{OrgID: t.orgID, ToDate: date})
	if err != nil {
		return nil, fmt.Errorf("list certificates due: %w", err)
	}
	out := make([]*porter.Certificate, 0, len(rows))
	for _, r := range rows {
		out = append(out, certificate(r))
	}
	return out, nil
}

func certificate(r db.Certificate) *porter.Certificate {
	return &porter.Certificate{
		ID: r.ID, Type: r.Type, PropertyID: r.PropertyID, AssetID: r.AssetID, Reference: r.Reference,
		Issuer: r.Issuer, IssueDate: r.IssueDate, ExpiryDate: r.ExpiryDate, DocumentID: r.DocumentID, Notes: r.Notes,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func (t *tx) InsertExpiryAlert(ctx context.Context, a *porter.ExpiryAlert) (bool, error) {
	n, err := t.q.InsertExpiryAlert(ctx, db.InsertExpiryAlertParams{
		OrgID: t.orgID, RecordType: a.RecordType, RecordID: a.RecordID, ThresholdDays: int64(a.ThresholdDays),
		DueDate: a.DueDate, Status: a.Status, CreatedAt: a.CreatedAt,
	})
	if err != nil {
		return false, fmt.Errorf("insert expiry alert: %w", err)
	}
	return n > 0, nil
}

// optText stores an optional text as "" when absent; textOpt reads it back.
func optText(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func textOpt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
