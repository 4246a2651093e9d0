package porter

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Facility records: an organization's equipment (assets), sorted into
// categories it defines, each at a property and optionally in one of its
// units. An asset is active until it is transferred to another place
// (transferred) or disposed of; a disposed asset is kept for the record but
// can no longer change.

// AssetCategory is one entry of an organization's list of asset
// categories ("HVAC Equipment", "Elevators"). Names are unique in the
// organization, ignoring case.
type AssetCategory struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AssetCategoryInput names a category.
type AssetCategoryInput struct {
	Name *string `json:"name"`
}

// Asset is a piece of equipment at a property.
type Asset struct {
	ID         int64  `json:"id"`
	PropertyID int64  `json:"property_id"`
	UnitID     *int64 `json:"unit_id"`
	CategoryID *int64 `json:"category_id"`
	// Category is the category's name as it is now, "" without one.
	Category    string  `json:"category"`
	Name        string  `json:"name"`
	Make        string  `json:"make"`
	Model       string  `json:"model"`
	Serial      string  `json:"serial"`
	InstallDate *string `json:"install_date"` // YYYY-MM-DD, null when unknown
	Condition   string  `json:"condition"`    // new | good | fair | poor | failed
	Status      string  `json:"status"`       // active | transferred | disposed
	Location    string  `json:"location"`     // free text: "Roof, plant room 2"
	Notes       string  `json:"notes"`
	// ExternalRef is an outside system's id for the asset (an integration's
	// source record id), unique in the organization; "" for none.
	ExternalRef    string     `json:"external_ref"`
	DisposalReason string     `json:"disposal_reason"`
	DisposedAt     *time.Time `json:"disposed_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Asset conditions, best first.
const (
	ConditionNew    = "new"
	ConditionGood   = "good"
	ConditionFair   = "fair"
	ConditionPoor   = "poor"
	ConditionFailed = "failed"
)

// AssetConditions lists every condition, best first.
var AssetConditions = []string{ConditionNew, ConditionGood, ConditionFair, ConditionPoor, ConditionFailed}

// Asset statuses.
const (
	AssetActive      = "active"
	AssetTransferred = "transferred"
	AssetDisposed    = "disposed"
)

// AssetStatuses lists every status.
var AssetStatuses = []string{AssetActive, AssetTransferred, AssetDisposed}

// Limits on facility records' text.
const (
	maxFacilityName    = 200
	maxFacilityText    = 4000
	maxExternalRef     = 200
	maxAssetCategories = 500
)

// AssetFilter narrows an asset listing.
type AssetFilter struct {
	ListParams
	PropertyID  int64
	UnitID      int64
	CategoryID  int64
	Condition   string
	Status      string
	ExternalRef string
	// Search keeps assets whose name or serial contains it, ignoring case.
	Search string
}

// SearchPattern is Search as a LIKE pattern over lower-cased text, "" for
// no search; LIKE's wildcards in it match any one character.
func (f AssetFilter) SearchPattern() string {
	q := strings.ToLower(strings.TrimSpace(f.Search))
	if q == "" {
		return ""
	}
	return "%" + strings.NewReplacer("%", "_", "_", "_", "\\", "_").Replace(q) + "%"
}

// AssetTx stores asset categories and assets.
type AssetTx interface {
	// InsertAssetCategory stores c unless its name is taken (ignoring
	// case); it reports whether it stored it.
	InsertAssetCategory(ctx context.Context, c *AssetCategory) (bool, error)
	AssetCategory(ctx context.Context, id int64) (*AssetCategory, error)
	// AssetCategoryForUpdate is AssetCategory, locking the row until the
	// transaction ends where the engine has concurrent writers.
	AssetCategoryForUpdate(ctx context.Context, id int64) (*AssetCategory, error)
	// AssetCategoryByName finds a category by name, ignoring case.
	AssetCategoryByName(ctx context.Context, name string) (*AssetCategory, error)
	AssetCategories(ctx context.Context) ([]*AssetCategory, error)
	UpdateAssetCategory(ctx context.Context, c *AssetCategory) error
	DeleteAssetCategory(ctx context.Context, id int64) error
	CountAssetsInCategory(ctx context.Context, id int64) (int, error)

	InsertAsset(ctx context.Context, a *Asset) error
	Asset(ctx context.Context, id int64) (*Asset, error)
	AssetForUpdate(ctx context.Context, id int64) (*Asset, error)
	// AssetByExternalRef finds the asset with this external_ref.
	AssetByExternalRef(ctx context.Context, ref string) (*Asset, error)
	UpdateAsset(ctx context.Context, a *Asset) error
	Assets(ctx context.Context, f AssetFilter) (List[*Asset], error)
}

func (in AssetCategoryInput) name(v *Validation) string {
	name := ""
	if in.Name != nil {
		name = strings.TrimSpace(*in.Name)
	}
	v.Required("name", name)
	checkText(v, "name", name, maxFacilityName)
	return name
}

// checkText refuses text longer than max characters or not UTF-8.
func checkText(v *Validation, field, s string, max int) {
	if !utf8.ValidString(s) {
		v.Add(field, "must be UTF-8 text")
	} else if utf8.RuneCountInString(s) > max {
		v.Add(field, "must be at most %d characters", max)
	}
}

// categoryTaken is the 409 for a name another category holds.
func categoryTaken(name string) error {
	return &Error{Code: ECONFLICT, Message: fmt.Sprintf("an asset category named %q exists (names are unique ignoring case)", name),
		Fields: []FieldError{{Field: "name", Message: "is taken"}}}
}

// CreateAssetCategory adds a category to the organization's list.
func (s *Service) CreateAssetCategory(ctx context.Context, orgID int64, in AssetCategoryInput) (*AssetCategory, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*AssetCategory, error) {
		var v Validation
		name := in.name(&v)
		if err := v.Err(); err != nil {
			return nil, err
		}
		n, err := tx.AssetCategories(ctx)
		if err != nil {
			return nil, err
		}
		if len(n) >= maxAssetCategories {
			return nil, Errorf(ECONFLICT, "the organization has %d asset categories, the most it may have", maxAssetCategories)
		}
		c := &AssetCategory{Name: name, CreatedAt: now, UpdatedAt: now}
		ok, err := tx.InsertAssetCategory(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("create asset category: %w", err)
		}
		if !ok {
			return nil, categoryTaken(name)
		}
		audited(tx, "asset_category", c.ID, nil, c)
		return c, nil
	})
}

// UpdateAssetCategory renames a category; its assets follow.
func (s *Service) UpdateAssetCategory(ctx context.Context, orgID, id int64, in AssetCategoryInput) (*AssetCategory, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*AssetCategory, error) {
		c, err := tx.AssetCategoryForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if in.Name == nil {
			return c, nil
		}
		var v Validation
		name := in.name(&v)
		if err := v.Err(); err != nil {
			return nil, err
		}
		if name == c.Name {
			return c, nil // an empty edit writes nothing
		}
		if other, err := tx.AssetCategoryByName(ctx, name); err == nil && other.ID != c.ID {
			return nil, categoryTaken(name)
		} else if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		before := *c
		c.Name, c.UpdatedAt = name, now
		if err := tx.UpdateAssetCategory(ctx, c); err != nil {
			return nil, fmt.Errorf("update asset category: %w", err)
		}
		audited(tx, "asset_category", c.ID, &before, c)
		return c, nil
	})
}

// DeleteAssetCategory removes a category no asset uses.
func (s *Service) DeleteAssetCategory(ctx context.Context, orgID, id int64) error {
	_, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (struct{}, error) {
		c, err := tx.AssetCategoryForUpdate(ctx, id)
		if err != nil {
			return struct{}{}, err
		}
		n, err := tx.CountAssetsInCategory(ctx, id)
		if err != nil {
			return struct{}{}, err
		}
		if n > 0 {
			return struct{}{}, Errorf(ECONFLICT, "asset category %d holds %d assets; move them to another category first", id, n)
		}
		if err := tx.DeleteAssetCategory(ctx, id); err != nil {
			return struct{}{}, fmt.Errorf("delete asset category: %w", err)
		}
		audited(tx, "asset_category", c.ID, c, nil)
		return struct{}{}, nil
	})
	return err
}

// AssetCategory returns one category.
func (s *Service) AssetCategory(ctx context.Context, orgID, id int64) (*AssetCategory, error) {
	return view(ctx, s, orgID, func(tx Tx) (*AssetCategory, error) { return tx.AssetCategory(ctx, id) })
}

// AssetCategories lists the organization's categories by name.
func (s *Service) AssetCategories(ctx context.Context, orgID int64) ([]*AssetCategory, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]*AssetCategory, error) {
		if _, err := tx.Organization(ctx); err != nil {
			return nil, err
		}
		return tx.AssetCategories(ctx)
	})
}

// AssetCategoryByName finds one of the organization's categories by name,
// ignoring case: how an integration maps a source's category onto it.
func (s *Service) AssetCategoryByName(ctx context.Context, orgID int64, name string) (*AssetCategory, error) {
	return view(ctx, s, orgID, func(tx Tx) (*AssetCategory, error) { return tx.AssetCategoryByName(ctx, name) })
}

// AssetInput creates an asset; on PATCH (and on an upsert that finds the
// asset), nil fields are left alone. The category is given by id
// (category_id) or by name (category, ignoring case); an empty name or a
// category_id of 0 removes it. The status changes only by transfer and
// disposal.
type AssetInput struct {
	PropertyID  *int64  `json:"property_id"`
	UnitID      *int64  `json:"unit_id" doc:"a unit of the property; 0 or null for none"`
	CategoryID  *int64  `json:"category_id" doc:"one of GET /v1/asset_categories; or give category"`
	Category    *string `json:"category" doc:"a category's name, ignoring case; or give category_id"`
	Name        *string `json:"name"`
	Make        *string `json:"make"`
	Model       *string `json:"model"`
	Serial      *string `json:"serial"`
	InstallDate *string `json:"install_date" doc:"YYYY-MM-DD; an empty string for unknown"`
	Condition   *string `json:"condition"`
	Location    *string `json:"location"`
	Notes       *string `json:"notes"`
	ExternalRef *string `json:"external_ref" doc:"an outside system's id for the asset, unique in the organization"`
}

// apply copies the input onto a and resolves its category.
func (in AssetInput) apply(ctx context.Context, tx Tx, a *Asset) error {
	set(&a.PropertyID, in.PropertyID)
	if in.UnitID != nil {
		a.UnitID = nil
		if *in.UnitID != 0 {
			a.UnitID = ptrTo(*in.UnitID)
		}
	}
	set(&a.Name, in.Name)
	set(&a.Make, in.Make)
	set(&a.Model, in.Model)
	set(&a.Serial, in.Serial)
	if in.InstallDate != nil {
		a.InstallDate = nil
		if d := strings.TrimSpace(*in.InstallDate); d != "" {
			a.InstallDate = &d
		}
	}
	set(&a.Condition, in.Condition)
	set(&a.Location, in.Location)
	set(&a.Notes, in.Notes)
	set(&a.ExternalRef, in.ExternalRef)
	a.Name = strings.TrimSpace(a.Name)
	a.ExternalRef = strings.TrimSpace(a.ExternalRef)
	switch {
	case in.CategoryID != nil && in.Category != nil:
		return fieldErr("category", "give category or category_id, not both")
	case in.CategoryID != nil:
		a.CategoryID, a.Category = nil, ""
		if *in.CategoryID != 0 {
			c, err := tx.AssetCategory(ctx, *in.CategoryID)
			if ErrorCode(err) == ENOTFOUND {
				return fieldErr("category_id", fmt.Sprintf("%d is not one of the organization's asset categories", *in.CategoryID))
			} else if err != nil {
				return err
			}
			a.CategoryID, a.Category = &c.ID, c.Name
		}
	case in.Category != nil:
		a.CategoryID, a.Category = nil, ""
		if name := strings.TrimSpace(*in.Category); name != "" {
			c, err := tx.AssetCategoryByName(ctx, name)
			if ErrorCode(err) == ENOTFOUND {
				return fieldErr("category", fmt.Sprintf("%q is not one of the organization's asset categories (GET /v1/asset_categories)", name))
			} else if err != nil {
				return err
			}
			a.CategoryID, a.Category = &c.ID, c.Name
		}
	}
	return nil
}

func ptrTo[T any](v T) *T { return &v }

func (a *Asset) validate(ctx context.Context, tx Tx) error {
	var v Validation
	if a.PropertyID <= 0 {
		v.Add("property_id", "is required")
	}
	v.Required("name", a.Name)
	checkText(&v, "name", a.Name, maxFacilityName)
	for _, f := range []struct{ field, value string }{{"make", a.Make}, {"model", a.Model}, {"serial", a.Serial}, {"location", a.Location}} {
		checkText(&v, f.field, f.value, maxFacilityName)
	}
	checkText(&v, "notes", a.Notes, maxFacilityText)
	checkText(&v, "external_ref", a.ExternalRef, maxExternalRef)
	if a.InstallDate != nil {
		if _, err := ParseDate(*a.InstallDate); err != nil {
			v.Add("install_date", "%s", err.Error())
		}
	}
	v.OneOf("condition", a.Condition, AssetConditions...)
	if err := v.Err(); err != nil {
		return err
	}
	return checkPlace(ctx, tx, a.PropertyID, a.UnitID)
}

// checkPlace checks that property_id is the organization's and unit_id,
// when given, one of that property's units.
func checkPlace(ctx context.Context, tx Tx, propertyID int64, unitID *int64) error {
	if err := refExists(ctx, "property_id", propertyID, tx.Property); err != nil {
		return err
	}
	if unitID == nil {
		return nil
	}
	u, err := tx.Unit(ctx, *unitID)
	if ErrorCode(err) == ENOTFOUND {
		return refExists(ctx, "unit_id", *unitID, tx.Unit)
	} else if err != nil {
		return err
	}
	if u.PropertyID != propertyID {
		return fieldErr("unit_id", fmt.Sprintf("%d is a unit of property %d, not of property %d", u.ID, u.PropertyID, propertyID))
	}
	return nil
}

// assetState is the 409 for a change a disposed asset refuses.
func assetState(a *Asset, action string) error {
	if a.Status == AssetDisposed {
		return Errorf(ECONFLICT, "asset %d is disposed; a disposed asset cannot be %s", a.ID, action)
	}
	return nil
}

// refTaken is the 409 for an external_ref another record holds.
func refTaken(resource, ref string) error {
	return &Error{Code: ECONFLICT, Message: fmt.Sprintf("another %s has external_ref %q", resource, ref),
		Fields: []FieldError{{Field: "external_ref", Message: "is taken"}}}
}

// AssetConditionChange is asset.condition_changed's data: the asset and
// its condition before.
type AssetConditionChange struct {
	*Asset
	PreviousCondition string `json:"previous_condition"`
}

// AssetPlace is where an asset is.
type AssetPlace struct {
	PropertyID int64  `json:"property_id"`
	UnitID     *int64 `json:"unit_id"`
}

// AssetTransfer is asset.transferred's data: the asset, where it was and
// where it is now.
type AssetTransfer struct {
	*Asset
	From AssetPlace `json:"from"`
	To   AssetPlace `json:"to"`
}

// createAsset validates and stores a new asset with its event.
func createAsset(ctx context.Context, tx Tx, now time.Time, in AssetInput) (*Asset, error) {
	a := &Asset{Condition: ConditionGood, Status: AssetActive, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(ctx, tx, a); err != nil {
		return nil, err
	}
	if err := a.validate(ctx, tx); err != nil {
		return nil, err
	}
	if a.ExternalRef != "" {
		if _, err := tx.AssetByExternalRef(ctx, a.ExternalRef); err == nil {
			return nil, refTaken("asset", a.ExternalRef)
		} else if ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
	}
	if err := tx.InsertAsset(ctx, a); err != nil {
		return nil, fmt.Errorf("create asset: %w", err)
	}
	return a, record(ctx, tx, now, "asset.created", "asset", a.ID, a, nil)
}

// editAsset applies in to the asset a (read for update) and records
// asset.updated, and asset.condition_changed when the condition changed.
func editAsset(ctx context.Context, tx Tx, now time.Time, a *Asset, in AssetInput) (*Asset, error) {
	if err := assetState(a, "edited"); err != nil {
		return nil, err
	}
	before := *a
	if err := in.apply(ctx, tx, a); err != nil {
		return nil, err
	}
	if err := a.validate(ctx, tx); err != nil {
		return nil, err
	}
	if unchanged(&before, a) {
		return a, nil // an empty edit writes nothing
	}
	if a.ExternalRef != "" && a.ExternalRef != before.ExternalRef {
		if other, err := tx.AssetByExternalRef(ctx, a.ExternalRef); err == nil && other.ID != a.ID {
			return nil, refTaken("asset", a.ExternalRef)
		} else if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
	}
	a.UpdatedAt = now
	if err := tx.UpdateAsset(ctx, a); err != nil {
		return nil, fmt.Errorf("update asset: %w", err)
	}
	if err := record(ctx, tx, now, "asset.updated", "asset", a.ID, a, &before); err != nil {
		return nil, err
	}
	if a.Condition != before.Condition {
		data := AssetConditionChange{Asset: a, PreviousCondition: before.Condition}
		if err := record(ctx, tx, now, "asset.condition_changed", "asset", a.ID, data, &before); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// CreateAsset adds an asset, active and in good condition unless told
// otherwise.
func (s *Service) CreateAsset(ctx context.Context, orgID int64, in AssetInput) (*Asset, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Asset, error) {
		return createAsset(ctx, tx, now, in)
	})
}

// UpdateAsset edits an asset that is not disposed.
func (s *Service) UpdateAsset(ctx context.Context, orgID, id int64, in AssetInput) (*Asset, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Asset, error) {
		a, err := tx.AssetForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		return editAsset(ctx, tx, now, a, in)
	})
}

// UpsertAssetByExternalRef creates or updates the asset an outside system
// knows as ref, so that importing the same record twice updates it instead
// of duplicating it. It is what integrations call for each inbound asset.
//
// ref must not be blank; in.ExternalRef, if given, must equal it. When no
// asset has ref, in creates one (property_id and name required; the
// category may be named with in.Category) and created is true. When one
// has, in is applied to it as a PATCH (nil fields left alone) and created
// is false; a disposed asset refuses with a conflict. Errors are *Error
// with field names as the API's, so an integration log can quote them.
func (s *Service) UpsertAssetByExternalRef(ctx context.Context, orgID int64, ref string, in AssetInput) (a *Asset, created bool, err error) {
	ref = strings.TrimSpace(ref)
	if err := checkRef(ref, in.ExternalRef); err != nil {
		return nil, false, err
	}
	in.ExternalRef = &ref
	a, err = update(ctx, s, orgID, func(tx Tx, now time.Time) (*Asset, error) {
		old, err := tx.AssetByExternalRef(ctx, ref)
		if ErrorCode(err) == ENOTFOUND {
			created = true
			return createAsset(ctx, tx, now, in)
		} else if err != nil {
			return nil, err
		}
		if old, err = tx.AssetForUpdate(ctx, old.ID); err != nil {
			return nil, err
		}
		return editAsset(ctx, tx, now, old, in)
	})
	if err != nil {
		created = false
	}
	return a, created, err
}

// checkRef checks an upsert's external reference.
func checkRef(ref string, given *string) error {
	var v Validation
	v.Required("external_ref", ref)
	checkText(&v, "external_ref", ref, maxExternalRef)
	if given != nil && strings.TrimSpace(*given) != ref {
		v.Add("external_ref", "must be the reference upserted by, %q", ref)
	}
	return v.Err()
}

// TransferInput moves an asset to another property or unit.
type TransferInput struct {
	PropertyID *int64 `json:"property_id" doc:"default: the asset's property"`
	UnitID     *int64 `json:"unit_id" doc:"a unit of the property; 0 or null for none"`
}

// TransferAsset moves an asset that is not disposed to another property
// or unit; it becomes transferred.
func (s *Service) TransferAsset(ctx context.Context, orgID, id int64, in TransferInput) (*Asset, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Asset, error) {
		a, err := tx.AssetForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		if in.PropertyID == nil && in.UnitID == nil {
			return nil, fieldErr("property_id", "is required: give property_id, unit_id or both")
		}
		if err := assetState(a, "transferred"); err != nil {
			return nil, err
		}
		to := AssetPlace{PropertyID: a.PropertyID}
		set(&to.PropertyID, in.PropertyID)
		if in.UnitID != nil && *in.UnitID != 0 {
			to.UnitID = ptrTo(*in.UnitID)
		}
		if err := checkPlace(ctx, tx, to.PropertyID, to.UnitID); err != nil {
			return nil, err
		}
		from := AssetPlace{PropertyID: a.PropertyID, UnitID: a.UnitID}
		if from.PropertyID == to.PropertyID && ptrEq(from.UnitID, to.UnitID) {
			return nil, fieldErr("property_id", "is where the asset already is: name another property or unit")
		}
		before := *a
		a.PropertyID, a.UnitID, a.Status, a.UpdatedAt = to.PropertyID, to.UnitID, AssetTransferred, now
		if err := tx.UpdateAsset(ctx, a); err != nil {
			return nil, fmt.Errorf("transfer asset: %w", err)
		}
		return a, record(ctx, tx, now, "asset.transferred", "asset", a.ID, AssetTransfer{Asset: a, From: from, To: to}, &before)
	})
}

// DisposeInput disposes of an asset.
type DisposeInput struct {
	Reason *string `json:"reason"`
}

// DisposeAsset records that an asset was disposed of, and why. It is
// final: a disposed asset is kept but no longer changes.
func (s *Service) DisposeAsset(ctx context.Context, orgID, id int64, in DisposeInput) (*Asset, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Asset, error) {
		a, err := tx.AssetForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		reason := ""
		if in.Reason != nil {
			reason = strings.TrimSpace(*in.Reason)
		}
		var v Validation
		v.Required("reason", reason)
		checkText(&v, "reason", reason, maxFacilityText)
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := assetState(a, "disposed again"); err != nil {
			return nil, err
		}
		before := *a
		a.Status, a.DisposalReason, a.DisposedAt, a.UpdatedAt = AssetDisposed, reason, &now, now
		if err := tx.UpdateAsset(ctx, a); err != nil {
			return nil, fmt.Errorf("dispose asset: %w", err)
		}
		return a, record(ctx, tx, now, "asset.disposed", "asset", a.ID, a, &before)
	})
}

// Asset returns one asset.
func (s *Service) Asset(ctx context.Context, orgID, id int64) (*Asset, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Asset, error) { return tx.Asset(ctx, id) })
}

// AssetByExternalRef returns the asset an outside system knows as ref.
func (s *Service) AssetByExternalRef(ctx context.Context, orgID int64, ref string) (*Asset, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Asset, error) { return tx.AssetByExternalRef(ctx, strings.TrimSpace(ref)) })
}

// Assets lists assets, newest first.
func (s *Service) Assets(ctx context.Context, orgID int64, f AssetFilter) (List[*Asset], error) {
	f.Normalize()
	var v Validation
	if f.Condition != "" {
		v.OneOf("condition", f.Condition, AssetConditions...)
	}
	if f.Status != "" {
		v.OneOf("status", f.Status, AssetStatuses...)
	}
	if len(f.Search) > 200 {
		v.Add("search", "must be at most 200 characters")
	}
	if err := v.Err(); err != nil {
		return List[*Asset]{}, err
	}
	return view(ctx, s, orgID, func(tx Tx) (List[*Asset], error) { return tx.Assets(ctx, f) })
}

// checkAssetRef validates an asset_id another record names: the asset
// must be this organization's (the store scopes the read), so that a
// defect or meter never points at another organization's asset.
func checkAssetRef(ctx context.Context, tx Tx, v *Validation, id *int64) error {
	if id == nil || *id == 0 {
		return nil
	}
	if *id < 0 {
		v.Add("asset_id", "must be a positive id")
		return nil
	}
	if _, err := tx.Asset(ctx, *id); ErrorCode(err) == ENOTFOUND {
		v.Add("asset_id", "%d does not exist", *id)
	} else if err != nil {
		return err
	}
	return nil
}
